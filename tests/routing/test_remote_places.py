"""Remote entries as answers (issue 17): when the person asks for a remote mode (`a_distance`), or when
no site of the recommended networks is near, `lieux` names the remote entries serving the commune —
with no address, no position and no distance."""

import json

import pytest

from spro.directory.codes import SiteKind
from spro.directory.models import Service, Site
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from tests.directory.factories import structure
from tests.routing.factories import site

pytestmark = pytest.mark.django_db
URL = "/api/v1/aiguillage"
VAE_IN_TOULOUSE = {"besoin": "vae", "commune": "31555"}


@pytest.fixture
def phone_line():
    line = Site(
        structure=structure("region", "Région Occitanie"),
        name="Ligne orientation Occitanie",
        kind=SiteKind.A_DISTANCE,
        served_region="76",
        phone="05 36 49 00 00",
        opening_hours="Mo-Fr 09:00-18:00; PH off",
        reception_modes=["telephone"],
    )
    line.full_clean()
    line.save()
    Service.objects.create(
        site=line, name="Conseil VAE par téléphone", needs=["vae"], publics=["tous-publics"]
    )
    line.reindex()
    return line


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def names(places):
    return [p["nom"] for p in places]


def test_with_a_site_near_and_no_remote_wish_the_answer_names_only_the_site(phone_line):
    near = site("conseil-vae", needs=["vae"], offset_km=3)
    answer = get_engine().route(VAE_IN_TOULOUSE, PlaceFinder())
    assert names(answer.places) == [near.name]


def test_a_person_who_asks_for_a_remote_mode_gets_the_remote_entry_too(client, phone_line):
    near = site("conseil-vae", needs=["vae"], offset_km=3)
    response = post(client, {**VAE_IN_TOULOUSE, "a_distance": True})
    assert response.status_code == 200
    places = response.json()["lieux"]
    assert names(places) == [near.name, phone_line.name]
    remote = places[1]
    assert remote["a_distance"] is True
    assert remote["distance_km"] is None and remote["latitude"] is None and remote["longitude"] is None
    assert remote["adresse"] == "" and remote["telephone"] == "05 36 49 00 00"
    assert remote["url"] == f"/lieux/{phone_line.pk}/"
    assert places[0]["a_distance"] is False and places[0]["distance_km"] == pytest.approx(3, abs=0.1)


def test_when_no_site_is_near_the_remote_entry_is_the_answer(client, phone_line):
    places = post(client, VAE_IN_TOULOUSE).json()["lieux"]
    assert names(places) == [phone_line.name]
    assert places[0]["distance_km"] is None


def test_a_remote_entry_of_another_region_or_need_is_not_named(client, phone_line):
    assert post(client, {"besoin": "vae", "commune": "45234"}).json()["lieux"] == []  # Orléans
    assert (
        post(client, {"besoin": "creer-entreprise", "commune": "31555", "a_distance": True}).json()["lieux"]
        == []
    )


def test_a_remote_wish_must_be_a_boolean(client):
    response = post(client, {"besoin": "vae", "a_distance": "oui"})
    assert response.status_code == 422
    assert "a_distance" in response.content.decode()


def test_the_cli_answer_carries_the_remote_entry_without_distance(phone_line):
    answers = get_engine().route_many([{**VAE_IN_TOULOUSE, "a_distance": True}], PlaceFinder())
    assert [(p["nom"], p["distance_km"]) for p in answers[0].places] == [(phone_line.name, None)]


def test_the_answer_page_shows_it_apart_without_distance_nor_map_marker(phone_line):
    from spro.www.aiguillage.views import _map_context, _remote_context

    answer = get_engine().route(VAE_IN_TOULOUSE, PlaceFinder())
    assert "region" not in [n.code for n in answer.networks]
    assert _map_context(answer.places)["map_places"] == []
    remote = _remote_context(answer.places, answer.networks)["remote_places"]
    assert names(remote) == [phone_line.name]
