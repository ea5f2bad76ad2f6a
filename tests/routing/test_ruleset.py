"""Rule tables: their checks (French errors) and the condition operators."""

import copy

import pytest

from spro.routing.engine import Engine
from spro.routing.ruleset import RuleSetError, compile_rules, compile_when, default_rules, validate


def rules_with(*rules, **extra) -> dict:
    data = {
        "format": 1,
        "networks": {"cio": {"label": "CIO"}, "mission-locale": {"label": "Mission Locale"}},
        "rules": list(rules),
    }
    data.update(extra)
    return data


def a_rule(**changes) -> dict:
    rule = {"id": "r", "when": {}, "network": "cio", "score": 10, "reason": "Parce que.", "source": "L313-1"}
    rule.update(changes)
    return rule


def test_the_default_rules_are_valid_and_every_rule_cites_its_source():
    data = default_rules()
    assert validate(data) == []
    assert all(rule["source"].strip() for rule in data["rules"])
    assert len(data["rules"]) >= 40


def test_the_default_rules_cover_every_network_of_the_domain():
    networks = {r.get("network") for r in default_rules()["rules"]}
    for code in (
        "cio",
        "suio",
        "mission-locale",
        "france-travail",
        "cap-emploi",
        "apec",
        "cep-actifs",
        "transitions-pro",
        "conseil-vae",
        "cma",
        "cci",
        "chambre-agriculture",
        "cidff",
        "e2c",
        "epide",
        "employeur-public",
    ):
        assert code in networks, code


@pytest.mark.parametrize(
    "rule, message",
    [
        (a_rule(network="pole-emploi"), "Règle « r » : réseau « pole-emploi » absent de « networks »."),
        (a_rule(source=""), "Règle « r » : la source (charte ou texte de loi) est obligatoire."),
        (a_rule(score="haut"), "Règle « r » : « score » doit être un entier entre 0 et 1000."),
        (a_rule(reason=""), "Règle « r » : la raison (« reason ») est obligatoire."),
        (a_rule(reason="Pour {nom}"), "la raison ne peut utiliser que {network} et {age}"),
        (a_rule(when={"statut": {"eq": "chomeur"}}), "valeur « chomeur » inconnue pour « statut »"),
        (a_rule(when={"humeur": {"eq": "x"}}), "Règle « r » : champ « humeur » inconnu."),
        (a_rule(when={"age": {"between": [1, 2]}}), "opérateur « between » : opérateur inconnu"),
        (a_rule(when={"age": {"range": [16]}}), "[minimum, maximum] entiers attendus"),
        (a_rule(when={"statut": {"in": "eleve"}}), "l'opérateur « in » attend une liste"),
        (a_rule(when={"statut": {"bool": True}}), "« bool » ne s'applique qu'aux champs vrai/faux"),
        (a_rule(when={"any": []}), "« any » attend une liste non vide de conditions"),
        (a_rule(colour="red"), "Règle « r » : clé « colour » inconnue."),
        (a_rule(no_second_door=True), "une règle « no_second_door » ne recommande pas de réseau"),
    ],
)
def test_it_explains_what_is_wrong_with_a_rule_in_french(rule, message):
    errors = validate(rules_with(rule))
    assert any(message in error for error in errors), errors


def test_it_refuses_duplicate_ids_and_a_missing_format():
    data = rules_with(a_rule(), a_rule())
    del data["format"]
    errors = validate(data)
    assert "« format » doit valoir 1." in errors
    assert "Règle « r » : identifiant en double." in errors


def test_compiling_an_invalid_table_raises_with_every_error():
    with pytest.raises(RuleSetError) as caught:
        compile_rules(rules_with(a_rule(network="x", source="")))
    assert len(caught.value.errors) == 2
    assert str(caught.value).startswith("Règles d'aiguillage invalides : ")


@pytest.mark.parametrize(
    "when, situation, expected",
    [
        ({"statut": {"eq": "eleve"}}, {"statut": "eleve"}, True),
        ({"statut": {"eq": "eleve"}}, {}, False),
        ({"statut": {"ne": "eleve"}}, {"statut": "etudiant"}, True),
        ({"statut": {"in": ["eleve", "etudiant"]}}, {"statut": "etudiant"}, True),
        ({"statut": {"not_in": ["eleve"]}}, {"statut": "eleve"}, False),
        ({"age": {"range": [16, 25]}}, {"age": 25}, True),
        ({"age": {"range": [16, 25]}}, {"age": 26}, False),
        ({"age": {"range": [16, 25]}}, {}, False),
        ({"age": {"range": [26, None]}}, {"age": 99}, True),
        ({"age": {"range": [16, 25], "or_missing": True}}, {}, True),
        ({"rqth": {"bool": True}}, {"rqth": True}, True),
        ({"rqth": {"bool": False}}, {}, True),
        ({"rqth": {"bool": False}}, {"rqth": True}, False),
        ({"secteur": {"missing": True}}, {}, True),
        ({"secteur": {"missing": False}}, {}, False),
        ({"any": [{"age": {"range": [None, 15]}}, {"statut": {"eq": "eleve"}}]}, {"age": 30}, False),
        ({"any": [{"age": {"range": [None, 15]}}, {"statut": {"eq": "eleve"}}]}, {"age": 12}, True),
        ({"not": {"statut": {"eq": "eleve"}}}, {"statut": "eleve"}, False),
        (
            {"all": [{"age": {"range": [16, None]}}, {"cadre": {"bool": True}}]},
            {"age": 40, "cadre": True},
            True,
        ),
    ],
)
def test_conditions_evaluate_as_documented(when, situation, expected):
    assert compile_when(when)(situation) is expected


def test_the_best_score_wins_and_a_stronger_stop_rule_means_no_second_door():
    data = rules_with(
        a_rule(id="low", network="cio", score=10),
        a_rule(id="high", network="mission-locale", score=20, reason="Vous avez {age} ans : {network}."),
        {
            "id": "stop",
            "when": {"besoin": {"eq": "documentation"}},
            "no_second_door": True,
            "score": 50,
            "source": "charte",
        },
    )
    engine = Engine(compile_rules(data), {}, "test")
    answer = engine.route({"age": 19})
    assert [n.code for n in answer.networks] == ["mission-locale", "cio"]
    assert answer.networks[0].reason == "Vous avez 19 ans : Mission Locale."
    assert engine.route({"besoin": "documentation"}).networks == []


def test_the_default_rules_are_not_changed_by_compiling():
    before = copy.deepcopy(default_rules())
    compile_rules(default_rules())
    assert default_rules() == before


def test_every_reason_is_a_french_sentence_addressed_to_the_person():
    for rule in default_rules()["rules"]:
        if rule.get("no_second_door"):
            continue
        reason = rule["reason"]
        assert reason[0].isupper() and reason.endswith("."), rule["id"]
        assert " vous " in f" {reason.lower()} " or "vous " in reason.lower(), rule["id"]


def test_every_network_of_the_rules_says_what_to_bring_or_where_to_read_more():
    networks = default_rules()["networks"]
    recommended = {r["network"] for r in default_rules()["rules"] if "network" in r}
    for code in recommended:
        assert networks[code]["bring"] or networks[code]["more"], code
