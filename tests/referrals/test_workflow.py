"""The referral workflow: one table of transitions, each fired through `process()` and logged."""

import pytest

from spro.referrals.models import Referral, ReferralTransition
from spro.referrals.workflow import REFERRAL_TRANSITIONS, InvalidTransition, ReferralState
from tests.referrals.factories import referral, refusal_reason

pytestmark = pytest.mark.django_db

S = ReferralState


def test_the_table_declares_every_transition_once():
    table = {(t.name, tuple(t.sources), t.target) for t in REFERRAL_TRANSITIONS}
    assert table == {
        ("accepter", (S.SENT,), S.ACCEPTED),
        ("refuser", (S.SENT,), S.REFUSED),
        ("personne-recue", (S.ACCEPTED,), S.RECEIVED),
        ("sans-suite", (S.ACCEPTED,), S.NO_FOLLOW_UP),
        ("expirer", (S.SENT,), S.EXPIRED),
    }


def test_a_new_referral_is_sent_and_its_sending_is_logged(w):
    r = referral(w)
    assert r.state == S.SENT
    log = list(r.transitions.values_list("name", "from_state", "to_state", "user"))
    assert log == [("envoyer", "", S.SENT, w.alice.pk)]


def test_it_accepts_then_records_the_person_received(w):
    r = referral(w)
    r.process("accepter", user=w.bob, reason="Rendez-vous le 3")
    r.process("personne-recue", user=w.bob)
    r.refresh_from_db()
    assert r.state == S.RECEIVED
    assert r.answered_at is not None and r.closed_at is not None
    log = list(r.transitions.values_list("name", "from_state", "to_state", "user", "reason"))
    assert log[1:] == [
        ("accepter", S.SENT, S.ACCEPTED, w.bob.pk, "Rendez-vous le 3"),
        ("personne-recue", S.ACCEPTED, S.RECEIVED, w.bob.pk, ""),
    ]


def test_it_closes_an_accepted_referral_without_follow_up(w):
    r = referral(w)
    r.process("accepter", user=w.bob)
    r.process("sans-suite", user=w.bob, reason="Injoignable")
    assert Referral.objects.get(pk=r.pk).state == S.NO_FOLLOW_UP


def test_it_refuses_with_a_reason_from_the_list(w):
    r = referral(w)
    r.process("refuser", user=w.bob, refusal_reason=refusal_reason())
    r.refresh_from_db()
    assert r.state == S.REFUSED
    assert r.refusal_reason == refusal_reason()
    assert r.transitions.last().refusal_reason == refusal_reason()


def test_a_refusal_without_reason_is_refused_in_french_and_changes_nothing(w):
    r = referral(w)
    with pytest.raises(InvalidTransition, match="Choisissez un motif de refus"):
        r.process("refuser", user=w.bob)
    assert Referral.objects.get(pk=r.pk).state == S.SENT
    assert r.transitions.count() == 1


@pytest.mark.parametrize(
    "path, name",
    [
        ([], "personne-recue"),
        ([], "sans-suite"),
        (["accepter"], "accepter"),
        (["accepter"], "refuser"),
        (["accepter", "personne-recue"], "sans-suite"),
        (["accepter", "personne-recue"], "accepter"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_in_french(w, path, name):
    r = referral(w)
    for step in path:
        r.process(step, user=w.bob)
    before = ReferralTransition.objects.count()
    with pytest.raises(InvalidTransition, match="n'est plus possible"):
        r.process(name, user=w.bob, refusal_reason=refusal_reason())
    assert ReferralTransition.objects.count() == before


def test_an_unknown_transition_is_refused(w):
    with pytest.raises(InvalidTransition, match="Action « envoler » inconnue"):
        referral(w).process("envoler", user=w.bob)


def test_only_the_receiving_structure_answers(w):
    r = referral(w)
    for someone in (w.alice, w.carole, w.iris):
        with pytest.raises(InvalidTransition, match="Vous ne pouvez pas faire cette action"):
            r.process("accepter", user=someone)
    with pytest.raises(InvalidTransition):
        r.process("expirer", user=w.bob)  # cron only
    assert Referral.objects.get(pk=r.pk).state == S.SENT


def test_a_stale_copy_cannot_answer_twice(w):
    r = referral(w)
    stale = Referral.objects.get(pk=r.pk)
    r.process("accepter", user=w.bob)
    with pytest.raises(InvalidTransition, match="vient d'être modifiée"):
        stale.process("refuser", user=w.bob, refusal_reason=refusal_reason())
    assert Referral.objects.get(pk=r.pk).state == S.ACCEPTED
    assert r.transitions.count() == 2


def test_answered_at_is_the_first_answer_only(w):
    r = referral(w)
    r.process("accepter", user=w.bob)
    first = Referral.objects.get(pk=r.pk).answered_at
    r.process("personne-recue", user=w.bob)
    assert Referral.objects.get(pk=r.pk).answered_at == first
