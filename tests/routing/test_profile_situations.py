"""Per profile, the situations its seed text gives, and where the seed says so an answer that differs from
the default table's (issue 17); `premier_niveau` in `spro aiguiller` and POST /api/v1/aiguillage."""

import datetime
import io
import json
import sys

import pytest
import time_machine
from django.core.management import call_command

from spro.routing import profiles
from spro.routing.engine import Engine
from spro.routing.ruleset import compile_rules, default_rules
from tests.routing.test_scenarios import OWN, load

DEFAULT = Engine(compile_rules(default_rules()), {}, "default")
TODAY = datetime.datetime(2026, 3, 2, 10)


def engine(region: str) -> Engine:
    return Engine(compile_rules(profiles.shipped_rules(region)), {}, region)


def answer(region_or_engine, situation):
    current = engine(region_or_engine) if isinstance(region_or_engine, str) else region_or_engine
    with time_machine.travel(TODAY, tick=False):
        return current.route(situation)


def codes(result) -> list[str]:
    return [n.code for n in result.networks]


# --- Centre-Val de Loire (004_c442ee3deddd9a84.txt, « Des situations concrètes ») -------------------------


def test_centre_situation_1_a_parent_made_redundant_at_the_cio_stand_goes_to_france_travail():
    situation = {"age": 45, "statut": "demandeur-emploi", "besoin": "trouver-emploi", "premiere_porte": "cio"}
    assert codes(answer("24", situation))[0] == "france-travail"


def test_centre_situation_2_the_cook_at_the_mission_locale_goes_to_the_cad_named_as_such():
    situation = {
        "age": 18,
        "statut": "sans-activite",
        "besoin": "apprentissage",
        "secteur": "hotellerie-restauration",
    }
    centre, default = answer("24", situation), answer(DEFAULT, situation)
    assert codes(centre)[0] == codes(default)[0] == "cma"
    assert "en Centre-Val de Loire, le Centre d'aide à la décision (CAD)" in centre.networks[0].reason
    assert centre.networks[0].reason != default.networks[0].reason


def test_centre_situation_3_the_conseil_pro_line_sends_the_young_employee_to_the_cep_operator_of_the_day():
    situation = {"age": 24, "statut": "salarie-prive", "besoin": "trouver-emploi", "premiere_porte": "region"}
    centre, default = answer("24", situation), answer(DEFAULT, situation)
    assert codes(centre)[0] == "cep-actifs"
    assert centre.networks[0].operator == "Mon CEP par Avenir Actifs"
    assert default.networks[0].operator == ""
    with time_machine.travel(datetime.datetime(2015, 5, 4, 10), tick=False):
        assert engine("24").route(situation).networks[0].operator == "Fongecif Centre"  # the 2014 text's door


def test_centre_situation_4_the_dropout_at_the_bij_goes_to_the_cio():
    situation = {
        "age": 17,
        "statut": "sans-activite",
        "diplome": "aucun",
        "mois_hors_ecole": 14,
        "besoin": "remobilisation",
        "premiere_porte": "information-jeunesse",
    }
    assert codes(answer("24", situation))[0] == "cio"


def test_centre_first_level_names_etoile_and_the_conseil_pro_number():
    centre = answer("24", {"besoin": "trouver-formation", "age": 30, "statut": "retraite"}).as_dict()
    default = answer(DEFAULT, {"besoin": "trouver-formation", "age": 30, "statut": "retraite"}).as_dict()
    assert centre["reseaux"] == default["reseaux"] == []
    assert "Etoile" in centre["premier_niveau"] and "0 800 222 100" in centre["premier_niveau"]
    assert "Etoile" not in default["premier_niveau"]


# --- Occitanie (000_9296c8a585b90767.txt; 001_11b773abd4141816.txt, former Midi-Pyrénées) ---------------


def test_occitanie_sends_an_adult_discovering_metiers_to_the_cite_des_metiers_network():
    situation = {"age": 40, "besoin": "decouvrir-metiers"}
    occitanie, default = answer("76", situation), answer(DEFAULT, situation)
    assert codes(occitanie)[0] == "cite-des-metiers"
    assert codes(default)[0] == "cep-actifs"
    assert "site central de Toulouse" in occitanie.networks[0].reason


def test_occitanie_keeps_the_doors_the_statut_names_for_discovering_metiers():
    for situation, door in (
        ({"age": 40, "statut": "salarie-prive", "besoin": "decouvrir-metiers"}, "cep-actifs"),
        ({"age": 40, "statut": "demandeur-emploi", "besoin": "decouvrir-metiers"}, "france-travail"),
        ({"age": 20, "statut": "sans-activite", "besoin": "decouvrir-metiers"}, "mission-locale"),
        ({"age": 40, "rqth": True, "besoin": "decouvrir-metiers"}, "cap-emploi"),
        ({"age": 15, "statut": "eleve", "besoin": "decouvrir-metiers"}, "cio"),
    ):
        assert codes(answer("76", situation))[0] == door, situation


def test_occitanie_first_level_names_the_maisons_de_la_region():
    text = answer("76", {}).as_dict()["premier_niveau"]
    assert "Maison de la Région ou une Maison de l'Orientation d'Occitanie" in text
    assert "https://www.meformerenregion.fr" in text
    assert "Maison de la Région" not in answer(DEFAULT, {}).as_dict()["premier_niveau"]


# --- Auvergne-Rhône-Alpes (003_e67dea7dd2dbefc2.txt) -----------------------------------------------------


def test_auvergne_rhone_alpes_first_level_for_metiers_is_repere_metiers_and_via_competences():
    situation = {"age": 67, "statut": "retraite", "besoin": "decouvrir-metiers"}
    aura, default = answer("84", situation).as_dict(), answer(DEFAULT, situation).as_dict()
    assert aura["reseaux"] == default["reseaux"] == []
    assert (
        "Repère Métiers" in aura["premier_niveau"]
        and "https://www.via-competences.fr" in aura["premier_niveau"]
    )
    assert "Repère Métiers" not in default["premier_niveau"]


def test_auvergne_rhone_alpes_employees_go_to_the_cep_operator_of_the_day():
    with time_machine.travel(datetime.datetime(2022, 5, 2, 10), tick=False):
        first = (
            engine("84").route({"age": 38, "statut": "salarie-prive", "besoin": "reconversion"}).networks[0]
        )
    assert (first.code, first.operator) == (
        "cep-actifs",
        "l'opérateur régional désigné par France compétences (marché 2020–2023)",
    )


# --- Pays de la Loire (002_01282c8a259ff05d.txt) ---------------------------------------------------------


def test_pays_de_la_loire_proposes_only_the_charter_s_signatories_to_a_young_dropout():
    situation = {
        "age": 20,
        "statut": "sans-activite",
        "diplome": "aucun",
        "mois_hors_ecole": 30,
        "besoin": "remobilisation",
    }
    loire, default = codes(answer("52", situation)), codes(answer(DEFAULT, situation))
    assert loire[0] == default[0] == "mission-locale"
    assert "e2c" in default and "e2c" not in loire and "epide" not in loire


def test_pays_de_la_loire_names_catalys_for_2020_2023_and_choisir_mon_metier_at_first_level():
    with time_machine.travel(datetime.datetime(2021, 10, 4, 10), tick=False):
        first = (
            engine("52").route({"age": 38, "statut": "salarie-prive", "besoin": "reconversion"}).networks[0]
        )
    assert first.operator == "Catalys Conseil (groupement Évolution)"
    assert "Choisir mon métier" in answer("52", {}).as_dict()["premier_niveau"]


def test_occitanie_names_its_cep_operator_of_each_contract_period():
    employee = {"age": 41, "statut": "salarie-prive", "besoin": "reconversion"}
    named = {}
    for day in (datetime.datetime(2018, 3, 5, 10), datetime.datetime(2021, 10, 4, 10), TODAY):
        with time_machine.travel(day, tick=False):
            named[day.year] = engine("76").route(employee).networks[0].operator
    assert named == {
        2018: "Fongecif Midi-Pyrénées",
        2021: "Réseau EVA Occitanie (groupement des CIBC et des chambres consulaires)",
        2026: "Mon CEP par Avenir Actifs",
    }


# --- every profile still passes the project's own domain scenarios -------------------------------------


@pytest.mark.parametrize("region", profiles.shipped_regions())
def test_every_profile_passes_the_domain_scenarios(region):
    current = engine(region)
    for scenario in load(OWN):
        found = codes(current.route(scenario["situation"]))
        if not scenario["accept"]:
            assert found == [], scenario["id"]
        else:
            assert found and found[0] in scenario["accept"], (scenario["id"], found)
            assert found[0] not in scenario.get("must_not", []), scenario["id"]


# --- premier_niveau in the command and the API -----------------------------------------------------------


class Pipe:
    def __init__(self, data: bytes = b""):
        self.buffer = io.BytesIO(data)


@pytest.mark.django_db
def test_spro_aiguiller_gives_premier_niveau_beside_reseaux_and_lieux(monkeypatch, settings):
    settings.SPRO_REGION = "24"
    out = Pipe()
    monkeypatch.setattr(
        sys, "stdin", Pipe(json.dumps([{"statut": "retraite"}, {"statut": "eleve"}]).encode())
    )
    monkeypatch.setattr(sys, "stdout", out)
    call_command("aiguiller")
    retired, pupil = json.loads(out.buffer.getvalue())
    assert set(retired) == {"reseaux", "lieux", "premier_niveau"}
    assert retired["reseaux"] == [] and retired["premier_niveau"].startswith(
        "L'information de premier niveau"
    )
    assert "Etoile" in retired["premier_niveau"]
    assert pupil["reseaux"][0]["code"] == "cio"
    assert pupil["premier_niveau"].startswith("Avant de contacter Centre d'information et d'orientation")


@pytest.mark.django_db
def test_the_api_gives_premier_niveau_and_the_cep_operator(client, settings):
    settings.SPRO_REGION = "52"
    body = [
        {"besoin": "documentation"},
        {"age": 38, "statut": "salarie-prive", "cadre": True, "besoin": "reconversion"},
    ]
    with time_machine.travel(TODAY, tick=False):
        response = client.post("/api/v1/aiguillage", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    documentation, employee = response.json()
    assert documentation["reseaux"] == [] and documentation["premier_niveau"].startswith(
        "Vous pouvez vous documenter"
    )
    assert [(n["code"], n["operateur"]) for n in employee["reseaux"]] == [
        ("apec", None),
        ("cep-actifs", "Mon CEP par Avenir Actifs"),
    ]
    assert employee["lieux"] == []
