"""Rule sets per Région: each change is a new version; the active one of the configured Région wins."""

import copy

import pytest
from django.core.exceptions import ValidationError

from spro.routing.engine import get_engine
from spro.routing.models import RuleSet
from spro.routing.ruleset import RuleSetError, default_rules

pytestmark = pytest.mark.django_db

PUPIL = {"age": 14, "statut": "eleve", "besoin": "orientation-etudes"}


def rules_sending_pupils_to_information_jeunesse() -> dict:
    rules = copy.deepcopy(default_rules())
    rules["rules"].insert(
        0,
        {
            "id": "eleve-ij",
            "when": {"statut": {"eq": "eleve"}},
            "network": "information-jeunesse",
            "score": 500,
            "reason": "Dans notre Région, l'Information Jeunesse accueille d'abord les élèves.",
            "source": "Délibération régionale (exemple de test)",
        },
    )
    return rules


@pytest.fixture
def region(settings):
    settings.SPRO_REGION = "24"
    return "24"


def first_network(situation, region_code=None) -> str:
    return get_engine(region_code).route(situation).networks[0].code


def test_without_a_rule_set_the_rules_shipped_for_the_region_apply(region):
    assert first_network(PUPIL) == "cio"
    assert get_engine().version == "livre-24"  # the default table changed by the Centre-Val de Loire profile
    assert get_engine("28").version == "default"  # a Région without a shipped profile: the default table


def test_publishing_a_rule_set_changes_the_answer_without_a_release(region, django_user_model):
    user = django_user_model.objects.create_user(email="region@example.org", password="x" * 16)
    published = RuleSet.objects.publish(region, rules_sending_pupils_to_information_jeunesse(), user, "essai")
    assert (published.version, published.is_active, published.created_by) == (1, True, user)
    assert first_network(PUPIL) == "information-jeunesse"
    assert get_engine().version.startswith(f"{region}:v1#{published.pk}@")


def test_each_publication_is_a_new_version_and_only_the_last_is_active(region):
    first = RuleSet.objects.publish(region, rules_sending_pupils_to_information_jeunesse())
    second = RuleSet.objects.publish(region, default_rules(), comment="retour aux règles par défaut")
    first.refresh_from_db()
    assert (first.version, first.is_active) == (1, False)
    assert (second.version, second.is_active) == (2, True)
    assert first_network(PUPIL) == "cio"
    assert RuleSet.objects.count() == 2


def test_a_rule_set_only_applies_to_its_region(region):
    RuleSet.objects.publish("11", rules_sending_pupils_to_information_jeunesse())
    assert first_network(PUPIL) == "cio"
    assert first_network(PUPIL, "11") == "information-jeunesse"


def test_deactivating_goes_back_to_the_default_rules(region):
    RuleSet.objects.publish(region, rules_sending_pupils_to_information_jeunesse())
    RuleSet.objects.deactivate(region)
    assert first_network(PUPIL) == "cio"


def test_a_published_rule_set_cannot_be_edited_in_place(region):
    published = RuleSet.objects.publish(region, default_rules())
    published.rules = rules_sending_pupils_to_information_jeunesse()
    with pytest.raises(ValidationError):
        published.save()
    published.refresh_from_db()
    published.comment = "un commentaire se corrige"
    published.save()


def test_an_invalid_rule_set_is_refused_and_nothing_is_written(region):
    broken = rules_sending_pupils_to_information_jeunesse()
    broken["rules"][0]["network"] = "pole-emploi"
    with pytest.raises(RuleSetError) as caught:
        RuleSet.objects.publish(region, broken)
    assert "Règle « eleve-ij » : réseau « pole-emploi » absent de « networks »." in caught.value.errors
    assert not RuleSet.objects.exists()


def test_network_labels_come_from_the_directory(region):
    from spro.directory.models import Network

    Network.objects.update_or_create(
        code="cio", defaults={"label": "CIO de l'académie (libellé de l'annuaire)"}
    )
    from spro.routing.engine import clear_cache

    clear_cache()
    assert get_engine().route(PUPIL).networks[0].label == "CIO de l'académie (libellé de l'annuaire)"
