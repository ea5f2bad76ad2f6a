"""A remote entry as the first door (issue 17): to a person who prefers a remote mode (`a_distance`), the
answer proposes the Région's phone line first when the Région's profile says that network's remote
entries are first doors (Centre-Val de Loire: « Le n° de Conseil Pro est une première porte »), and never
otherwise. The situations are the shared scenarios of the Centre text, as a person would answer them at
home (no first door yet, a commune, a wish to be helped at a distance)."""

import json

import pytest
from django.test import Client

from spro.directory.demo import ensure_remote_entries
from spro.routing import profiles
from spro.routing.engine import Engine
from spro.routing.places import PlaceFinder
from spro.routing.ruleset import RuleSetError, compile_rules, default_rules
from tests.routing.test_scenarios import SHARED, load

pytestmark = pytest.mark.django_db
ORLEANS, TOULOUSE = "45234", "31555"
CONSEIL_PRO = "Conseil Pro — numéro régional d'information"


def engine(region: str) -> Engine:
    return Engine(compile_rules(profiles.shipped_rules(region)), {}, region)


def at_home(scenario_id: str, commune: str, **changes) -> tuple[dict, list[str]]:
    """The shared scenario's situation without its first door, from a commune, and its accepted networks."""
    scenario = next(s for s in load(SHARED) if s["id"] == scenario_id)
    situation = {k: v for k, v in scenario["situation"].items() if k != "premiere_porte"}
    return {**situation, "commune": commune, **changes}, scenario["accept"]


@pytest.fixture
def remote_entries():
    assert ensure_remote_entries(["24", "76"]) == 4


@pytest.mark.skipif(not SHARED.exists(), reason=f"shared scenarios absent ({SHARED})")
@pytest.mark.parametrize("scenario_id", ["centre-1", "centre-3"])
def test_in_centre_a_person_who_prefers_remote_gets_conseil_pro_first_and_the_same_second_door(
    remote_entries, scenario_id
):
    situation, accept = at_home(scenario_id, ORLEANS, a_distance=True)
    answer = engine("24").route(situation, PlaceFinder())
    assert answer.first_door["nom"] == CONSEIL_PRO
    assert answer.first_door["a_distance"] is True and answer.first_door["distance_km"] is None
    assert answer.first_door["telephone"] == "08 00 22 21 00"
    assert answer.networks[0].code in accept
    assert answer.as_dict()["premiere_porte"] == answer.first_door


@pytest.mark.skipif(not SHARED.exists(), reason=f"shared scenarios absent ({SHARED})")
def test_without_the_wish_for_remote_no_first_door_is_proposed(remote_entries):
    situation, _accept = at_home("centre-3", ORLEANS)
    answer = engine("24").route(situation, PlaceFinder())
    assert answer.first_door is None and "premiere_porte" not in answer.as_dict()


@pytest.mark.skipif(not SHARED.exists(), reason=f"shared scenarios absent ({SHARED})")
def test_a_region_whose_profile_does_not_allow_it_proposes_none(remote_entries):
    # Occitanie has its phone line too, but its texts do not make it a first door.
    situation, _accept = at_home("centre-3", TOULOUSE, a_distance=True)
    assert engine("76").route(situation, PlaceFinder()).first_door is None
    default = Engine(compile_rules(default_rules()), {}, "default")
    assert default.route(situation, PlaceFinder()).first_door is None


def test_without_a_commune_the_line_serving_the_whole_region_is_proposed(remote_entries):
    answer = engine("24").route({"besoin": "decouvrir-metiers", "a_distance": True}, PlaceFinder())
    assert answer.first_door["nom"] == CONSEIL_PRO


def test_a_commune_of_another_region_gets_no_centre_line(remote_entries):
    answer = engine("24").route(
        {"besoin": "reconversion", "a_distance": True, "commune": TOULOUSE}, PlaceFinder()
    )
    assert answer.first_door is None


def test_the_command_and_the_api_name_it(remote_entries, settings):
    settings.SPRO_REGION = "24"
    body = {"statut": "salarie-prive", "besoin": "reconversion", "a_distance": True, "commune": ORLEANS}
    response = Client().post("/api/v1/aiguillage", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["premiere_porte"]["nom"] == CONSEIL_PRO
    many = engine("24").route_many([body, {**body, "a_distance": False}], PlaceFinder())
    assert [a.first_door and a.first_door["nom"] for a in many] == [CONSEIL_PRO, None]


def test_the_difference_says_it_in_french():
    lines = profiles.describe(profiles.profile("24"))
    assert any("ses services à distance sont une première porte" in line for line in lines)


def test_a_profile_with_a_non_boolean_flag_is_refused_in_french():
    broken = profiles.profile("24")
    broken["changes"].append(
        {"op": "set_network", "code": "region", "remote_first_door": "oui", "source": "essai"}
    )
    with pytest.raises(RuleSetError, match="« remote_first_door » vaut true ou false"):
        profiles.apply(broken)
