"""Recording a referral at the first door: consent, mode, the two-doors rule; nothing partial on error."""

import pytest
from django.core.exceptions import ValidationError

from spro.referrals.models import Referral, ReferralTransition
from tests.referrals.factories import PERSON, referral

pytestmark = pytest.mark.django_db


def test_it_records_the_consent_and_who_recorded_it(w):
    r = referral(w, consent_kind=Referral.Consent.WRITTEN)
    assert r.consent_kind == "ecrit"
    assert r.consent_recorded_by == w.alice
    assert r.consent_at is not None
    assert (r.from_network, r.to_network) == ("mission-locale", "france-travail")
    assert r.to_structure == w.structure_b


def test_an_appointment_keeps_the_persons_details_for_the_receiving_structure(w):
    r = referral(w, mode=Referral.Mode.APPOINTMENT)
    assert (r.person_name, r.person_phone, r.person_email) == (
        PERSON["person_name"],
        PERSON["person_phone"],
        PERSON["person_email"],
    )


def test_details_given_keeps_only_an_anonymous_trace(w):
    r = referral(w, mode=Referral.Mode.DETAILS_GIVEN, **PERSON)
    assert (r.person_name, r.person_phone, r.person_email) == ("", "", "")


def test_an_appointment_needs_a_name_and_a_way_to_reach_the_person(w):
    with pytest.raises(ValidationError) as error:
        referral(w, person_name="", person_phone="", person_email="")
    assert "Indiquez le nom de la personne" in str(error.value)
    assert "Indiquez un téléphone ou un courriel" in str(error.value)
    assert not Referral.objects.exists() and not ReferralTransition.objects.exists()


def test_a_structure_cannot_refer_to_itself(w):
    with pytest.raises(ValidationError, match="autre structure que la vôtre"):
        referral(w, to_site=w.site_a)
    assert not Referral.objects.exists()


def test_only_a_member_of_the_sending_structure_may_send(w):
    with pytest.raises(ValidationError, match="pas membre de la structure"):
        referral(w, user=w.bob)


def test_a_person_who_came_from_a_first_door_elsewhere_makes_this_a_third_door(w):
    with pytest.raises(ValidationError, match="expliquez pourquoi une troisième est nécessaire"):
        referral(w, previous_door="cio")
    r = referral(w, previous_door="cio", third_door_reason="Le CIO ne couvre pas la recherche d'emploi")
    assert r.is_third_door
    assert r.transitions.get().reason == "Le CIO ne couvre pas la recherche d'emploi"


def test_a_person_received_through_a_referral_and_sent_on_is_a_third_door(w):
    first = referral(w)
    first.process("accepter", user=w.bob)
    from tests.referrals.factories import referral as make

    with pytest.raises(ValidationError, match="troisième"):
        make(w, sender_structure=w.structure_b, user=w.bob, to_site=w.site_c, previous_referral=first)
    onward = make(
        w,
        sender_structure=w.structure_b,
        user=w.bob,
        to_site=w.site_c,
        previous_referral=first,
        third_door_reason="Besoin d'orientation scolaire",
    )
    assert onward.is_third_door and onward.previous_door == "mission-locale"


def test_the_sending_structure_itself_as_first_door_is_not_a_third_door(w):
    r = referral(w, previous_door="mission-locale")
    assert not r.is_third_door and r.third_door_reason == ""
