"""Métier → interlocutor: "I want to work as X", written from the seeds' situations and the two-doors
rule (/work/shared/seeds/): apprenticeship in an artisan trade → chambre de métiers; agriculture →
chambre d'agriculture; otherwise the person's statut decides. The métier is found as a person would
find it (search), then the aiguillage engine answers."""

import pytest

from spro.metiers.search import find_occupation
from spro.routing.engine import get_engine
from spro.routing.situation import SituationError

pytestmark = pytest.mark.django_db

PROJECTS = [
    # Centre 004, situation 2: a young man looking for an apprenticeship in cooking, at the Mission
    # Locale, is sent to the Centre d'aide à la décision of the chambre de métiers.
    ("cuisinier", {"besoin": "apprentissage", "age": 18, "premiere_porte": "mission-locale"}, "cma"),
    ("boulanger", {"besoin": "apprentissage", "age": 16, "statut": "eleve"}, "cma"),
    ("maçon", {"besoin": "apprentissage", "age": 17}, "cma"),
    ("mecanicien auto", {"besoin": "apprentissage", "age": 19, "statut": "sans-activite"}, "cma"),
    ("ebeniste", {"besoin": "apprentissage", "age": 17}, "cma"),
    ("agriculteur", {"besoin": "apprentissage", "age": 17}, "chambre-agriculture"),
    ("maraicher", {"besoin": "creer-entreprise", "statut": "salarie-prive"}, "chambre-agriculture"),
    ("coiffeuse", {"besoin": "creer-entreprise", "statut": "demandeur-emploi"}, "cma"),
    ("developpeur web", {"besoin": "apprentissage", "age": 20}, "cci"),
    # Otherwise the statut decides.
    ("aide soignant", {"besoin": "reconversion", "statut": "salarie-prive", "age": 40}, "cep-actifs"),
    ("soudeur", {"besoin": "trouver-emploi", "statut": "demandeur-emploi", "age": 30}, "france-travail"),
    ("infirmiere", {"besoin": "decouvrir-metiers", "statut": "eleve", "age": 15}, "cio"),
    ("aide soignante", {"besoin": "vae", "statut": "salarie-prive", "age": 45}, "conseil-vae"),
    ("ebeniste", {"besoin": "reconversion", "statut": "agent-public"}, "employeur-public"),
]


@pytest.mark.parametrize(
    "query,situation,first", PROJECTS, ids=[f"{q}-{s['besoin']}" for q, s, _ in PROJECTS]
)
def test_the_project_leads_to_the_right_interlocutor(rome, query, situation, first):
    occupation = find_occupation(query)
    assert occupation is not None, query
    engine = get_engine()
    answer = engine.evaluate(engine.parse({**situation, "metier": occupation.code}))
    assert answer.networks and answer.networks[0].code == first, [n.code for n in answer.networks]


def test_the_cooking_rule_uses_the_domain_of_the_metier(rome):
    engine = get_engine()
    answer = engine.evaluate(engine.parse({"metier": "G1609", "besoin": "apprentissage"}))
    assert answer.rules[0] == "apprentissage-cuisine-cma"
    assert "cuisine" in answer.networks[0].reason


def test_the_secteur_is_derived_only_when_not_given():
    engine = get_engine()
    derived = engine.evaluate(engine.parse({"metier": "A1416", "besoin": "apprentissage"}))
    assert derived.networks[0].code == "chambre-agriculture"
    given = engine.evaluate(
        engine.parse({"metier": "A1416", "besoin": "apprentissage", "secteur": "commerce"})
    )
    assert given.networks[0].code == "cci"
    assert engine.facts({"metier": "D1102"}) == {
        "metier": "D1102",
        "metier_grand_domaine": "D",
        "metier_domaine": "D11",
        "secteur": "artisanat",
    }


@pytest.mark.parametrize("value", ["D11", "boulanger", "Z1234", "D11022", 1102])
def test_a_malformed_metier_is_refused_in_french(value):
    with pytest.raises(SituationError, match="metier"):
        get_engine().parse({"metier": value})


def test_derived_fields_are_not_accepted_from_callers():
    with pytest.raises(SituationError, match="champ inconnu"):
        get_engine().parse({"metier_domaine": "D11"})


def test_rule_tables_check_metier_secteurs_and_the_derived_fields():
    from spro.routing.ruleset import default_rules, validate

    rules = dict(default_rules())
    assert validate(rules) == []
    bad = {**rules, "metier_secteurs": {"D11": "boulangerie", "Q": "artisanat"}}
    errors = " ".join(validate(bad))
    assert "secteur « boulangerie » inconnu" in errors
    assert "« Q » n'est pas un début de code ROME" in errors
    rule = {
        "id": "t",
        "when": {"metier_grand_domaine": {"eq": "A"}, "metier_domaine": {"in": ["A14"]}},
        "network": "cio",
        "reason": "r",
        "score": 1,
        "source": "s",
    }
    assert validate({**rules, "rules": [*rules["rules"], rule]}) == []
