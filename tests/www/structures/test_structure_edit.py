"""Editing a structure: SIRET checked (Luhn, La Poste exception), French messages, history kept."""

import pytest
from django.urls import reverse

from spro.directory.models import ChangeRecord
from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db


def post(client, structure, **changes):
    data = {
        "name": structure.name,
        "siret": structure.siret,
        "network": structure.network_id,
        "parent": "",
        "website": structure.website,
        "description": structure.description,
    }
    data.update(changes)
    return client.post(reverse("structures:edit", args=[structure.pk]), data)


def test_it_saves_the_structure_and_records_each_changed_field(client, world):
    login(client, world.alice)
    response = post(client, world.a, name="Mission Locale Toulouse Métropole", website="www.ml-toulouse.fr")
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.name == "Mission Locale Toulouse Métropole"
    assert world.a.website == "https://www.ml-toulouse.fr"
    assert world.a.updated_by == world.alice
    record = ChangeRecord.objects.get(object_type="structure", object_id=world.a.pk)
    assert record.action == "modification"
    assert record.user == world.alice
    assert record.changes["name"] == {
        "avant": "Mission Locale de Toulouse",
        "apres": "Mission Locale Toulouse Métropole",
    }
    assert set(record.changes) == {"name", "website"}


def test_it_reindexes_the_sites_when_the_structure_is_renamed(client, world):
    login(client, world.alice)
    post(client, world.a, name="Maison de l'avenir")
    world.site_a.refresh_from_db()
    assert "maison de l avenir" in world.site_a.search_text


@pytest.mark.parametrize("siret", ["13000548100011", "1300054810001", "ABCDEFGHIJKLMN"])
def test_it_rejects_an_invalid_siret_in_french(client, world, siret):
    login(client, world.alice)
    response = post(client, world.a, siret=siret)
    assert response.status_code == 200
    page = response.content.decode()
    assert "SIRET" in page and ("14 chiffres" in page or "pas valide" in page)
    world.a.refresh_from_db()
    assert world.a.siret == "13000548100010"
    assert not ChangeRecord.objects.exists()


def test_it_accepts_a_la_poste_siret_that_fails_luhn(client, world):
    login(client, world.alice)
    # La Poste: digit sum divisible by 5, not a Luhn number.
    assert post(client, world.a, siret="356 000 000 00056").status_code == 302
    world.a.refresh_from_db()
    assert world.a.siret == "35600000000056"


def test_saving_without_change_records_nothing(client, world):
    login(client, world.alice)
    updated_at = world.a.updated_at
    assert post(client, world.a).status_code == 302
    world.a.refresh_from_db()
    assert world.a.updated_at == updated_at
    assert not ChangeRecord.objects.exists()


def test_a_structure_cannot_depend_on_its_own_antenna(client, world):
    antenna = world.b
    antenna.parent = world.a
    antenna.save()
    login(client, world.remi)
    response = post(client, world.a, parent=antenna.pk)
    assert "ne peut pas dépendre" in response.content.decode()


def test_only_the_region_deactivates_a_structure(client, world):
    login(client, world.alice)
    post(client, world.a, is_active="")
    world.a.refresh_from_db()
    assert world.a.is_active  # the field is not in Alice's form
    login(client, world.remi)
    post(client, world.a)  # unchecked box: inactive
    world.a.refresh_from_db()
    assert not world.a.is_active


def test_only_the_region_sets_the_membership_kind(client, world):
    login(client, world.alice)
    assert (
        "membership_kind"
        not in client.get(reverse("structures:edit", args=[world.a.pk])).context["form"].fields
    )
    login(client, world.remi)
    response = post(client, world.a, membership_kind="partenaire", is_active="on")
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.membership_kind == "partenaire"
