"""`lieux`: the nearest active sites of the recommended networks that offer the person's need."""

import datetime as dt

import pytest
from django.utils import timezone

from spro.directory.hours import state_code
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.routing.situation import SituationError, UnknownCommune
from tests.routing.factories import site

pytestmark = pytest.mark.django_db

JOBSEEKER = {"age": 45, "statut": "demandeur-emploi", "besoin": "trouver-emploi", "commune": "31555"}


def test_it_lists_the_nearest_sites_offering_the_need_nearest_first():
    far = site("france-travail", name="Agence lointaine", offset_km=12)
    near = site("france-travail", name="Agence proche", offset_km=2)
    site("france-travail", name="Agence sans ce service", needs=["vae"], offset_km=1)
    site("france-travail", name="Agence fermée définitivement", offset_km=1, is_active=False)
    site("cio", name="CIO voisin", offset_km=1)
    answer = get_engine().route(JOBSEEKER, PlaceFinder())
    assert [p["nom"] for p in answer.places] == [near.name, far.name]
    first = answer.places[0]
    assert first["reseau"] == "france-travail"
    assert first["distance_km"] == pytest.approx(2.0, abs=0.1)
    assert first["url"] == f"/lieux/{near.pk}/"
    assert first["commune"] == "Toulouse"


def test_it_widens_the_search_once_when_nothing_is_near():
    albi = site("france-travail", commune_code="81004", name="Agence d'Albi")
    answer = get_engine().route(JOBSEEKER, PlaceFinder())
    assert [p["nom"] for p in answer.places] == [albi.name]
    assert 60 < answer.places[0]["distance_km"] < 100


def test_it_gives_no_site_without_a_commune_or_without_a_second_door():
    site("france-travail", offset_km=1)
    finder = PlaceFinder()
    assert get_engine().route({k: v for k, v in JOBSEEKER.items() if k != "commune"}, finder).places == []
    assert get_engine().route({"besoin": "documentation", "commune": "31555"}, finder).places == []


def test_it_refuses_an_unknown_commune_naming_the_field():
    with pytest.raises(UnknownCommune) as caught:
        get_engine().route({**JOBSEEKER, "commune": "99999"}, PlaceFinder())
    assert str(caught.value) == "Champ « commune » : commune « 99999 » inconnue (code INSEE attendu)."


def test_a_batch_queries_each_commune_network_and_need_once(django_assert_max_num_queries):
    site("france-travail", offset_km=1)
    engine = get_engine()
    # the commune, then one directory search: count, nearest, the page's sites, their services
    with django_assert_max_num_queries(5):
        answers = engine.route_many([JOBSEEKER] * 500, PlaceFinder())
    assert all(len(a.places) == 1 for a in answers)


def test_a_bad_commune_in_a_batch_names_its_index():
    with pytest.raises(SituationError) as caught:
        get_engine().route_many([JOBSEEKER, {**JOBSEEKER, "commune": "00000"}], PlaceFinder())
    assert caught.value.index == 1


def test_opening_state_reads_openstreetmap_hours_in_local_time():
    tuesday_10h = timezone.make_aware(dt.datetime(2026, 11, 24, 10, 0))
    tuesday_13h = timezone.make_aware(dt.datetime(2026, 11, 24, 13, 0))
    hours = "Mo-Fr 09:00-12:00,14:00-17:00"
    assert state_code(hours, tuesday_10h) == "ouvert"
    assert state_code(hours, tuesday_13h) == "ferme"
    assert state_code("", tuesday_10h) == "inconnu"
    assert state_code("n'importe quoi", tuesday_10h) == "inconnu"
