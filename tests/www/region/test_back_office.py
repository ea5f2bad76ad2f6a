"""Région back office: staff only; instructors read, administrators edit networks and structures."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from spro.directory.models import ChangeRecord, Network, Structure
from tests.forms import post_form
from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "alice", "bob", "irene", "remi"]


def matrix(w):
    ml = Network.objects.get(code="mission-locale")
    return [
        ("get", reverse("region:home"), [302, 403, 403, 200, 200]),
        ("get", reverse("region:networks"), [302, 403, 403, 200, 200]),
        ("get", reverse("region:network_create"), [302, 403, 403, 403, 200]),
        ("get", reverse("region:network_edit", args=[ml.pk]), [302, 403, 403, 403, 200]),
        ("get", reverse("region:structures"), [302, 403, 403, 200, 200]),
        ("get", reverse("region:structure_create"), [302, 403, 403, 403, 200]),
        ("get", reverse("region:stale"), [302, 403, 403, 200, 200]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer(client, world, persona):
    if persona != "anonymous":
        login(client, getattr(world, persona))
    index = PERSONAS.index(persona)
    for method, url, expected in matrix(world):
        assert getattr(client, method)(url).status_code == expected[index], (persona, url)


def network_data(network, **changes):
    data = {
        "label": network.label,
        "short_label": network.short_label,
        "description": network.description,
        "publics": network.publics,
        "needs": network.needs,
        "membership_kind": network.membership_kind,
        "data_inclusion_typology": network.data_inclusion_typology,
        "is_active": "on" if network.is_active else "",
    }
    data.update(changes)
    return data


def test_an_administrator_edits_a_network_and_it_is_recorded(client, world):
    login(client, world.remi)
    network = Network.objects.get(code="cep-actifs")
    response = client.post(
        reverse("region:network_edit", args=[network.pk]),
        network_data(
            network,
            label="Avenir Actifs (CEP des actifs occupés)",
            needs=["conseil-evolution-professionnelle"],
        ),
    )
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.label == "Avenir Actifs (CEP des actifs occupés)"
    assert network.code == "cep-actifs"
    record = ChangeRecord.objects.get(object_type="reseau", object_id=network.pk)
    assert record.user == world.remi and "label" in record.changes


def test_a_renamed_network_is_found_by_its_new_name_in_the_directory(client, world):
    from spro.directory.search import SiteQuery, search_sites
    from tests.routing.factories import site

    toulouse_site = site("cep-actifs", commune_code="31555")
    login(client, world.remi)
    network = Network.objects.get(code="cep-actifs")
    client.post(
        reverse("region:network_edit", args=[network.pk]),
        network_data(network, label="Avenir Actifs", needs=["conseil-evolution-professionnelle"]),
    )
    found = search_sites(SiteQuery(lat=43.6, lon=1.44, radius_km=20, text="avenir actifs")).items
    assert [hit.site.pk for hit in found] == [toulouse_site.pk]


def test_an_instructor_cannot_post_a_network_change(client, world):
    login(client, world.irene)
    network = Network.objects.get(code="cio")
    response = client.post(
        reverse("region:network_edit", args=[network.pk]), network_data(network, label="X")
    )
    assert response.status_code == 403
    network.refresh_from_db()
    assert network.label != "X"


def test_a_new_network_needs_a_lowercase_unique_code(client, world):
    login(client, world.remi)
    base = network_data(Network(label="Réseau test", membership_kind="partenaire"))
    response = post_form(client, reverse("region:network_create"), {**base, "code": "cio"})
    assert "existe déjà" in response.content.decode()
    response = post_form(client, reverse("region:network_create"), {**base, "code": "Reseau-Test"})
    assert "minuscules" in response.content.decode()
    response = post_form(client, reverse("region:network_create"), {**base, "code": "reseau-test"})
    assert response.status_code == 302
    assert Network.objects.get(code="reseau-test").label == "Réseau test"


def test_an_unknown_data_inclusion_network_is_refused(client, world):
    login(client, world.remi)
    network = Network.objects.get(code="cio")
    response = client.post(
        reverse("region:network_edit", args=[network.pk]),
        network_data(network, data_inclusion_typology="inconnu"),
    )
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_structures_are_filtered_by_network_departement_and_staleness(client, world):
    login(client, world.irene)
    url = reverse("region:structures")
    names = lambda response: [s.name for s in response.context["page"].object_list]  # noqa: E731
    assert names(client.get(url, {"reseau": "cio"})) == ["CIO d'Albi"]
    assert names(client.get(url, {"departement": "31"})) == ["Mission Locale de Toulouse"]
    assert names(client.get(url, {"anciennes": "1"})) == []
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        login(client, world.irene)
        Structure.objects.filter(pk=world.b.pk).update(updated_at=timezone.now())
        world.site_b.touch()
        world.site_b.save()
        world.service_b.touch()
        world.service_b.save()
        assert names(client.get(url, {"anciennes": "1"})) == ["Mission Locale de Toulouse"]
        page = client.get(reverse("region:stale")).content.decode()
        assert "3 fiches de l&#x27;annuaire" in page or "3 fiches de l'annuaire" in page
        home = client.get(reverse("pro:home")).content.decode()
        assert "3 fiches de l&#x27;annuaire" in home or "3 fiches de l'annuaire" in home


def test_an_administrator_creates_a_structure(client, world):
    login(client, world.remi)
    network = Network.objects.get(code="cap-emploi")
    response = post_form(
        client,
        reverse("region:structure_create"),
        {"name": "Cap emploi 31", "siret": "", "network": network.pk, "membership_kind": "", "website": ""},
    )
    assert response.status_code == 302
    structure = Structure.objects.get(name="Cap emploi 31")
    assert structure.membership_kind == network.membership_kind
    assert ChangeRecord.objects.filter(
        object_type="structure", object_id=structure.pk, action="creation"
    ).exists()


def test_structures_that_cannot_answer_online_are_listed_by_a_filter(client, world):
    login(client, world.irene)
    url = reverse("region:structures")
    names = lambda response: [s.name for s in response.context["page"].object_list]  # noqa: E731
    assert names(client.get(url, {"sans_membre": "1"})) == []
    world.bob.is_active = False
    world.bob.save()
    response = client.get(url, {"sans_membre": "1"})
    assert names(response) == ["CIO d'Albi"]
    assert "Sans membre actif" in response.content.decode()
