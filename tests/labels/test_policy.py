"""Label policies are data: the four shipped profiles are valid, and a broken document is refused with
a French message for each problem."""

import copy

import pytest

from spro.labels.policy import Policy, PolicyError, shipped_policy, shipped_regions, validate


def test_spro_ships_the_policies_of_the_four_seed_regions():
    assert shipped_regions() == ["24", "52", "76", "84"]


@pytest.mark.parametrize("region", ["24", "52", "76", "84"])
def test_each_shipped_policy_is_valid_and_names_its_region(region):
    document = shipped_policy(region)
    assert validate(document) == []
    assert document["region"] == region


def test_occitanie_has_two_volets_and_excludes_training_organisations_from_the_volet_spro():
    policy = Policy(shipped_policy("76"))
    assert list(policy.volets) == ["spro", "information-metiers"]
    refused = policy.exclusions_for(["spro"], "cfa", "autre", {})
    assert [p.message for p in refused] == [policy.document["exclusions"][0]["message"]]


def test_occitanie_lets_a_training_organisation_apply_to_information_metiers_if_that_activity_is_distinct():
    policy = Policy(shipped_policy("76"))
    assert policy.exclusions_for(["information-metiers"], "organisme-formation", "x", {}) != []
    declared = {"activite-distincte": True}
    assert policy.exclusions_for(["information-metiers"], "organisme-formation", "x", declared) == []
    assert policy.flagged_exclusions(["information-metiers"], "organisme-formation", declared) == [
        "activite-distincte"
    ]


def test_auvergne_rhone_alpes_runs_two_campaigns_and_limits_an_application_to_one_departement():
    policy = Policy(shipped_policy("84"))
    entries = [c["entry"] for c in policy.calendar["campaigns"]]
    assert entries == ["01-01", "09-01"]
    assert policy.document["territory"]["max_departements"] == 1
    assert policy.validity == {**policy.validity, "kind": "date-fixe", "until": "2028-12-31"}
    required = [a["code"] for a in policy.attachments(["spro"]) if a["required"]]
    assert required == ["statuts", "cv-anonymises", "annexes-administratives"]


def test_questions_of_a_volet_apply_only_to_applications_for_that_volet():
    policy = Policy(shipped_policy("76"))
    spro_only = {q["code"] for q in policy.questions(["spro"])}
    assert "personnes-recues" in spro_only
    assert "actions-metiers" not in spro_only
    both = {q["code"] for q in policy.questions(["spro", "information-metiers"])}
    assert {"personnes-recues", "actions-metiers"} <= both


def test_a_document_that_is_not_an_object_is_refused():
    assert validate([1, 2]) == ["la politique doit être un objet JSON."]


def broken(**changes):
    document = copy.deepcopy(shipped_policy("76"))
    document.update(changes)
    return document


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"format": 2}, "« format » doit valoir 1."),
        ({"volets": []}, "« volets » doit lister au moins un volet."),
        ({"calendar": {"mode": "parfois"}}, "« calendar.mode » doit valoir « continu » ou « campagnes »."),
        (
            {
                "calendar": {
                    "mode": "campagnes",
                    "campaigns": [
                        {"code": "a", "label": "A", "opens": "13-01", "closes": "12-31", "entry": "01-01"}
                    ],
                }
            },
            "calendar.campaigns[1] : « opens » doit être une date MM-JJ.",
        ),
        ({"territory": {"max_departements": 0}}, "territory.max_departements doit être un entier positif"),
        ({"validity": {"kind": "eternelle"}}, "validity.kind doit valoir l'un de"),
        (
            {"validity": {"kind": "date-fixe", "until": "fin 2028"}},
            "validity.until doit être une date AAAA-MM-JJ.",
        ),
        (
            {"annual_report": {"due": "31/03", "contents": {"spro": []}}},
            "annual_report.due doit être une date MM-JJ",
        ),
        ({"uploads": {"max_size_mb": 500, "types": ["exe"], "keep_years": 5}}, "uploads.max_size_mb"),
        ({"couleur": "rouge"}, "clé « couleur » inconnue."),
    ],
)
def test_each_problem_of_a_broken_policy_gets_a_french_message(changes, message):
    errors = validate(broken(**changes))
    assert any(error.startswith(message) for error in errors), errors


def test_an_exclusion_must_name_an_existing_volet_and_question():
    document = broken()
    document["exclusions"][1]["volets"] = ["volet-inconnu"]
    document["exclusions"][1]["unless"] = "question-inconnue"
    errors = validate(document)
    assert any("« volet-inconnu » est inconnu" in error for error in errors)
    assert "exclusions[2] : « unless » doit nommer une question du dossier." in errors


def test_reading_an_invalid_policy_raises_the_list_of_problems():
    with pytest.raises(PolicyError) as raised:
        Policy(broken(format=0))
    assert raised.value.errors == ["« format » doit valoir 1."]
