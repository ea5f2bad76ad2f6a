"""Remote-only entries of a member structure (a phone line, a chat, a website), made and edited in the
espace pro: no address, the territory they serve, one way at least to reach them; found by the
directory's remote search once they have a service."""

import pytest
from django.urls import reverse

from spro.directory.models import ChangeRecord, Site
from spro.directory.search import remote_sites
from tests.forms import post_form
from tests.www.structures.factories import login, service

pytestmark = pytest.mark.django_db


def remote_data(**changes):
    data = {
        "name": "Numéro vert de la Mission Locale",
        "website": "https://www.ml-toulouse.test/contact",
        "phone": "0800000000",
        "email": "",
        "served_region": "region",
        "opening_hours": "Mo-Fr 09:00-17:00; PH off",
        "reception_modes": ["telephone"],
        "description": "",
    }
    data.update(changes)
    return data


def create(client, world, **changes):
    return post_form(client, reverse("structures:remote_create", args=[world.a.pk]), remote_data(**changes))


def errors(response) -> str:
    return " ".join(" ".join(e) for e in response.context["form"].errors.values())


def test_an_adviser_creates_a_remote_entry_for_the_whole_region(client, world, settings):
    login(client, world.alice)
    response = create(client, world)
    site = Site.objects.get(name="Numéro vert de la Mission Locale")
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:service_create", args=[site.pk])
    assert site.is_remote and site.structure == world.a
    assert (site.address, site.postal_code, site.commune, site.latitude) == ("", "", None, None)
    assert site.served_region == settings.SPRO_REGION and site.served_departements == []
    assert site.phone == "08 00 00 00 00"
    assert ChangeRecord.objects.get(object_type="lieu", object_id=site.pk).action == "creation"


def test_once_it_has_a_service_the_directory_finds_it_in_its_territory_only(client, world):
    login(client, world.alice)
    create(client, world, served_region="departements", served_departements=["31", "81"])
    site = Site.objects.get(name="Numéro vert de la Mission Locale")
    assert site.served_region == "" and site.served_departements == ["31", "81"]
    service(site, "Conseil par téléphone", needs=["trouver-un-emploi"])
    assert [hit.site for hit in remote_sites("31", "76", need="trouver-un-emploi")] == [site]
    assert remote_sites("34", "76", need="trouver-un-emploi") == []


def test_some_departements_need_at_least_one_checked(client, world):
    login(client, world.alice)
    response = create(client, world, served_region="departements")
    assert response.status_code == 200
    assert "Cochez au moins un département desservi." in errors(response)
    assert not Site.objects.filter(kind="a-distance").exists()


def test_an_entry_nobody_can_reach_is_refused_in_french(client, world):
    login(client, world.alice)
    response = create(client, world, website="", phone="", email="")
    assert response.status_code == 200
    assert "Indiquez comment joindre ce service" in errors(response)
    assert not Site.objects.filter(kind="a-distance").exists()


def test_a_departement_outside_the_choices_is_refused(client, world):
    login(client, world.alice)
    response = create(client, world, served_region="departements", served_departements=["999"])
    assert response.status_code == 200
    assert "999" in errors(response) or "Sélectionnez un choix valide" in errors(response)
    assert not Site.objects.filter(kind="a-distance").exists()


def test_the_form_shows_the_shared_error_pattern(client, world):
    login(client, world.alice)
    response = create(client, world, website="", phone="", email="")
    html = response.content.decode()
    assert "novalidate" in html
    assert 'aria-invalid="true"' in html
    assert "fr-error-text" in html


def test_the_site_form_edits_a_remote_entry_with_its_own_fields(client, world):
    login(client, world.alice)
    create(client, world)
    site = Site.objects.get(name="Numéro vert de la Mission Locale")
    url = reverse("structures:site_edit", args=[site.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Modifier le service à distance" in html
    assert 'name="postal_code"' not in html
    response = client.post(
        url,
        remote_data(
            name="Tchat de la Mission Locale",
            served_region="departements",
            served_departements=["31"],
            phone="",
            website="https://tchat.ml.test/",
        ),
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "Tchat de la Mission Locale"
    assert (site.served_region, site.served_departements, site.phone) == ("", ["31"], "")
    assert site.is_remote and site.address == ""
    assert ChangeRecord.objects.filter(object_type="lieu", object_id=site.pk, action="modification").exists()


def test_the_structure_page_lists_the_entry_with_its_territory(client, world):
    login(client, world.alice)
    create(client, world)
    html = client.get(reverse("structures:detail", args=[world.a.pk])).content.decode()
    assert "Ajouter un service à distance" in html
    assert "Service à distance — pour toute la région Occitanie" in html


def test_another_structure_adviser_cannot_add_one(client, world):
    login(client, world.bob)
    url = reverse("structures:remote_create", args=[world.a.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(url, remote_data())
    assert response.status_code in (403, 404)
    assert not Site.objects.filter(kind="a-distance").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ligne\x00"),
        ("name", "x" * 100_000),
        ("website", "javascript:alert(1)"),
        ("served_region", "\x00"),
        ("served_departements", "9" * 5000),
        ("opening_hours", "Mo-Fr 99:00-12:00"),
        ("phone", "1" * 100_000),
    ],
)
def test_hostile_values_on_the_edit_form_are_refused_in_french_and_change_nothing(
    client, world, field, value
):
    login(client, world.alice)
    create(client, world)
    site = Site.objects.get(name="Numéro vert de la Mission Locale")
    before = ChangeRecord.objects.count()
    response = client.post(reverse("structures:site_edit", args=[site.pk]), remote_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'lang="fr"' in response.content.decode()
    site.refresh_from_db()
    assert site.name == "Numéro vert de la Mission Locale" and site.served_region == "76"
    assert ChangeRecord.objects.count() == before
