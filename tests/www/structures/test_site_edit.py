"""Sites: postal code → commune, coordinates from the commune, phone and hours checked, history kept."""

import pytest
from django.urls import reverse

from spro.directory.models import ChangeRecord, Site
from tests.forms import post_form
from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db


def site_data(**changes):
    data = {
        "name": "Antenne de Blagnac",
        "kind": "antenne",
        "address": "3 avenue du Général de Gaulle",
        "address_complement": "",
        "postal_code": "31700",
        "commune_name": "Blagnac",
        "latitude": "",
        "longitude": "",
        "phone": "0561000000",
        "email": "blagnac@ml-toulouse.test",
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "reception_modes": ["sur-place", "telephone"],
        "accessibility": ["pmr"],
        "description": "",
    }
    data.update(changes)
    return data


def create(client, world, **changes):
    return post_form(client, reverse("structures:site_create", args=[world.a.pk]), site_data(**changes))


def errors(response) -> str:
    return " ".join(" ".join(e) for e in response.context["form"].errors.values())


def test_it_creates_a_site_placed_at_its_commune_and_records_it(client, world):
    login(client, world.alice)
    response = create(client, world)
    site = Site.objects.get(name="Antenne de Blagnac")
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:service_create", args=[site.pk])
    assert site.commune.name == "Blagnac"
    assert (site.latitude, site.longitude) == (site.commune.latitude, site.commune.longitude)
    assert site.phone == "05 61 00 00 00"
    assert site.reception_modes == ["sur-place", "telephone"]
    assert site.modes_index == "|sur-place|telephone|"
    assert site.network_code == "mission-locale"
    assert site.updated_by == world.alice
    record = ChangeRecord.objects.get(object_type="lieu", object_id=site.pk)
    assert record.action == "creation"
    assert record.changes["commune_id"] == {"avant": None, "apres": site.commune_id}


def test_a_postal_code_with_one_commune_needs_no_commune_name(client, world):
    login(client, world.alice)
    create(client, world, postal_code="81000", commune_name="")
    assert Site.objects.get(name="Antenne de Blagnac").commune.name == "Albi"


def test_a_postal_code_shared_by_communes_asks_which_one(client, world):
    login(client, world.alice)
    response = create(client, world, postal_code="31700", commune_name="")
    assert "plusieurs communes" in errors(response)
    assert "Blagnac" in errors(response)


def test_a_commune_outside_the_postal_code_is_explained(client, world):
    login(client, world.alice)
    response = create(client, world, commune_name="Albi")
    assert "ne correspond à aucune commune du code postal 31700" in errors(response)


def test_an_unknown_postal_code_is_explained(client, world):
    login(client, world.alice)
    assert "Aucune commune n'a le code postal 99999" in errors(create(client, world, postal_code="99999"))
    assert "5 chiffres" in errors(create(client, world, postal_code="317"))


def test_coordinates_given_are_kept(client, world):
    login(client, world.alice)
    create(client, world, latitude="43.64", longitude="1.37")
    site = Site.objects.get(name="Antenne de Blagnac")
    assert (site.latitude, site.longitude) == (43.64, 1.37)


def test_half_coordinates_are_refused(client, world):
    login(client, world.alice)
    assert "latitude et la longitude" in errors(create(client, world, latitude="43.64"))


@pytest.mark.parametrize("phone", ["12345", "05 61 00 00", "abcdefghij"])
def test_a_bad_phone_number_is_refused_in_french(client, world, phone):
    login(client, world.alice)
    assert "10 chiffres" in errors(create(client, world, phone=phone))


def test_a_bad_email_is_refused_in_french(client, world):
    login(client, world.alice)
    assert "adresse électronique valide" in errors(create(client, world, email="pas-une-adresse"))


def test_bad_opening_hours_are_explained_with_an_example(client, world):
    login(client, world.alice)
    response = create(client, world, opening_hours="lundi 9h-12h")
    assert "pas au format attendu" in errors(response)
    assert "Mo-Fr 09:00-12:00" in errors(response)
    assert not Site.objects.filter(name="Antenne de Blagnac").exists()


def test_moving_a_site_to_another_commune_moves_its_point(client, world):
    login(client, world.alice)
    site = world.site_a
    data = site_data(
        name=site.name,
        latitude=str(site.latitude),
        longitude=str(site.longitude),
        postal_code="81000",
        commune_name="Albi",
    )
    response = client.post(reverse("structures:site_edit", args=[site.pk]), data)
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.commune.code == "81004"
    assert site.latitude == site.commune.latitude
    record = ChangeRecord.objects.get(object_type="lieu", object_id=site.pk)
    assert record.changes["commune_id"] == {"avant": "31555", "apres": "81004"}
    assert "latitude" in record.changes


def test_deactivating_a_site_removes_it_and_is_recorded(client, world):
    login(client, world.alice)
    client.post(reverse("structures:site_toggle", args=[world.site_a.pk]))
    world.site_a.refresh_from_db()
    assert not world.site_a.is_active
    record = ChangeRecord.objects.get(object_type="lieu", object_id=world.site_a.pk)
    assert record.changes == {"is_active": {"avant": True, "apres": False}}


def test_the_edit_page_previews_the_hours(client, world):
    world.site_a.opening_hours = "Mo-Fr 09:00-17:00"
    world.site_a.save()
    login(client, world.alice)
    page = client.get(reverse("structures:site_edit", args=[world.site_a.pk])).content.decode()
    assert "du lundi au vendredi" in page
    assert 'hx-get="/espace-pro/structures/apercu-horaires/"' in page


def test_the_communes_of_a_postal_code_are_offered(client, world):
    login(client, world.alice)
    html = client.get(reverse("structures:postal_code_communes"), {"postal_code": "81000"}).content.decode()
    assert "Commune du code postal 81000 : Albi." in html
    assert '<option value="Albi">' in html
    html = client.get(reverse("structures:postal_code_communes"), {"postal_code": "99999"}).content.decode()
    assert "Aucune commune n'a le code postal 99999." in html
    assert (
        client.get(reverse("structures:postal_code_communes"), {"postal_code": "81"}).content.strip() == b""
    )
