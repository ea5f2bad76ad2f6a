"""Rule profiles per seed Région (issue 17): shipped beside the default table, each change citing its seed;
published as version 1 on installation; exported and compared in French; refused in French when broken;
the regional CEP operator named by its contract period."""

import copy
import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from spro.routing import profiles
from spro.routing.engine import Engine, get_engine
from spro.routing.models import RuleSet
from spro.routing.ruleset import RuleSetError, compile_rules, default_rules, validate

SEED_REGIONS = ["24", "52", "76", "84"]


def run(*args) -> str:
    out = StringIO()
    call_command("regles-aiguillage", *args, stdout=out)
    return out.getvalue()


def test_spro_ships_a_profile_for_each_seed_region():
    assert list(profiles.shipped_regions()) == SEED_REGIONS


@pytest.mark.parametrize("region", SEED_REGIONS)
def test_each_profile_gives_a_valid_table_and_every_change_cites_its_seed(region):
    data = profiles.profile(region)
    rules = profiles.shipped_rules(region)
    assert validate(rules) == []
    assert rules != default_rules()
    seed_files = [text.split(" ")[0] for text in data["sources"].values()]
    for change in data["changes"]:
        assert any(seed in change["source"] for seed in seed_files), change


def test_the_default_table_is_left_untouched_by_the_profiles():
    before = copy.deepcopy(default_rules())
    for region in SEED_REGIONS:
        profiles.shipped_rules(region)
    assert default_rules() == before


def test_a_broken_profile_lists_every_problem_in_french():
    broken = profiles.profile("24")
    broken["changes"] += [
        {"op": "rescore", "id": "regle-inconnue", "score": 10, "source": "004, situation 2"},
        {"op": "remove_rule", "id": "vae"},
        {"op": "renommer", "source": "x"},
    ]
    broken["cep_operators"].append({"from": "2027-01-01", "to": "2028-12-31", "name": "X", "source": "y"})
    with pytest.raises(RuleSetError) as caught:
        profiles.apply(broken)
    errors = caught.value.errors
    assert "Changement n° 7 (rescore) : règle « regle-inconnue » introuvable." in errors
    assert (
        "Changement n° 8 (remove_rule) : la source (texte de la Région, fichier et section) est obligatoire."
        in errors
    )
    assert any(e.startswith("Changement n° 9 (renommer) : opération inconnue") for e in errors)
    assert "Opérateurs CEP n° 3 et n° 4 : les périodes se chevauchent." in errors


def test_a_profile_that_breaks_the_table_is_refused_by_the_table_checks():
    broken = profiles.profile("76")
    broken["changes"].append(
        {
            "op": "add_rule",
            "rule": {"id": "x", "network": "reseau-absent", "score": 50, "reason": "r", "source": "s"},
            "source": "000, 4.1",
        }
    )
    with pytest.raises(RuleSetError) as caught:
        profiles.apply(broken)
    assert caught.value.errors == [
        "après application du profil : Règle « x » : réseau « reseau-absent » absent de « networks »."
    ]


# --- the command ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_exporter_prints_the_rules_in_force_default_and_profile(settings):
    settings.SPRO_REGION = "76"
    exported = json.loads(run("exporter", "--region", "24"))
    assert exported == profiles.shipped_rules("24")
    assert exported["networks"]["region"]["phone"] == "0 800 222 100"
    assert json.loads(run("exporter", "--region", "28")) == default_rules()


@pytest.mark.django_db
def test_difference_says_in_french_what_the_profile_changes():
    text = run("difference", "--region", "24")
    assert text.startswith("Profil Centre-Val de Loire (Région 24) : 6 changement(s) par rapport aux règles")
    assert "- Réseau modifié « region » : label = Conseil Pro" in text
    assert "[source : 004_c442ee3deddd9a84.txt, « Des situations concrètes », situation 3" in text
    assert "Opérateur régional du CEP du 2024-01-01 au 2027-12-31 : Mon CEP par Avenir Actifs" in text
    occitanie = run("difference", "--region", "76")
    assert "Règle ajoutée « decouvrir-metiers-cite » (réseau « cite-des-metiers », score 82)" in occitanie
    loire = run("difference", "--region", "52")
    assert "Règle retirée « e2c » (réseau « e2c »). L'E2C n'est pas signataire de la charte" in loire
    assert "Aucun profil livré pour la Région 28" in run("difference", "--region", "28")


@pytest.mark.django_db
def test_a_new_installation_publishes_the_profile_of_its_region_as_version_1(settings):
    settings.SPRO_REGION = "52"
    assert run("installer").startswith(
        "Règles d'aiguillage livrées (profil de la Région) publiées en version 1"
    )
    installed = RuleSet.objects.get(region_code="52")
    assert (installed.version, installed.is_active, installed.rules) == (
        1,
        True,
        profiles.shipped_rules("52"),
    )
    assert "déjà publiées : rien à installer" in run("installer")
    assert RuleSet.objects.filter(region_code="52").count() == 1
    assert get_engine().version.startswith("52:v1#")


@pytest.mark.django_db
def test_a_broken_profile_file_is_refused_with_exit_code_2_and_nothing_is_published(tmp_path, settings):
    settings.SPRO_REGION = "24"
    broken = profiles.profile("24")
    broken["changes"].append({"op": "rescore", "id": "regle-inconnue", "score": 10, "source": "004"})
    path = tmp_path / "24.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    for action in ("verifier", "publier"):
        with pytest.raises(CommandError) as caught:
            run(action, str(path))
        assert caught.value.returncode == 2
        assert (
            "Profil invalide :\n- Changement n° 7 (rescore) : règle « regle-inconnue » introuvable."
            in str(caught.value)
        )
    assert not RuleSet.objects.exists()


@pytest.mark.django_db
def test_a_valid_profile_file_is_published_as_default_plus_profile(tmp_path, settings):
    settings.SPRO_REGION = "84"
    path = tmp_path / "84.json"
    path.write_text(json.dumps(profiles.profile("84"), ensure_ascii=False), encoding="utf-8")
    assert run("verifier", str(path)).startswith("Règles valides :")
    run("publier", str(path))
    assert RuleSet.objects.get(region_code="84").rules == profiles.shipped_rules("84")


# --- the regional CEP operator by contract period ------------------------------------------------------

EMPLOYEE = {"age": 38, "statut": "salarie-prive", "besoin": "reconversion"}


def engine_of(region: str) -> Engine:
    return Engine(compile_rules(profiles.shipped_rules(region)), {}, region)


@pytest.mark.parametrize(
    "region, day, operator",
    [
        ("52", datetime.date(2022, 6, 1), "Catalys Conseil (groupement Évolution)"),
        ("52", datetime.date(2025, 3, 1), "Mon CEP par Avenir Actifs"),
        ("24", datetime.date(2016, 9, 1), "Fongecif Centre"),
        ("76", datetime.date(2018, 1, 15), "Fongecif Midi-Pyrénées"),
        ("84", datetime.date(2027, 12, 31), "Mon CEP par Avenir Actifs"),
    ],
)
def test_the_answer_names_the_cep_operator_in_force_on_the_day(region, day, operator):
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10), tick=False):
        first = engine_of(region).route(EMPLOYEE).networks[0]
    assert (first.code, first.operator) == ("cep-actifs", operator)
    assert first.reason.endswith(f"Opérateur en vigueur aujourd'hui : {operator}.")
    assert first.as_dict()["operateur"] == operator


def test_outside_any_contract_period_or_without_a_profile_no_operator_is_named():
    with time_machine.travel(datetime.datetime(2028, 2, 1, 10), tick=False):
        assert engine_of("52").route(EMPLOYEE).networks[0].operator == ""
    default = Engine(compile_rules(default_rules()), {}, "default").route(EMPLOYEE).networks[0]
    assert default.operator == "" and "operateur" not in default.as_dict()
