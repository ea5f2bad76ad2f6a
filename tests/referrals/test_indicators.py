"""Anonymous indicators: referrals by network pair, acceptance rate, median time to first answer."""

from datetime import timedelta

import pytest
import time_machine

from spro.referrals.models import Referral
from tests.referrals.factories import member, referral, refusal_reason

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(w):
    """A→B: accepted after 2 h, accepted after 4 h then received, refused after 10 h, one pending.
    A→C: accepted after 1 h. C→B: expired."""
    carole_sender = w.carole
    start = "2026-03-02 08:00:00 +01:00"
    answers = [("accepter", 2), ("accepter", 4), ("refuser", 10)]
    with time_machine.travel(start, tick=False) as clock:
        made = [referral(w) for _ in answers]
        pending = referral(w)
        to_c = referral(w, to_site=w.site_c)
        from_c = referral(w, sender_structure=w.structure_c, user=carole_sender)
        elapsed = 0
        for r, (name, hours) in sorted(zip(made, answers, strict=True), key=lambda p: p[1][1]):
            clock.shift(timedelta(hours=hours - elapsed))
            elapsed = hours
            r.process(name, user=w.bob, refusal_reason=refusal_reason())
        made[1].process("personne-recue", user=w.bob)
    to_c.process("accepter", user=member(w.structure_c, "claude@cio.test"))
    Referral.objects.filter(pk=to_c.pk).update(answered_at=to_c.created_at + timedelta(hours=1))
    from_c.process("expirer")
    return {"pending": pending}


def test_it_counts_referrals_by_network_pair(history):
    rows = {(r["from_network"], r["to_network"]): r for r in Referral.objects.by_network_pair()}
    ml_ft = rows[("mission-locale", "france-travail")]
    assert (ml_ft["total"], ml_ft["accepted"], ml_ft["refused"], ml_ft["pending"]) == (4, 2, 1, 1)
    assert ml_ft["received"] == 1
    assert ml_ft["acceptance_rate"] == pytest.approx(2 / 3)
    assert rows[("mission-locale", "cio")]["acceptance_rate"] == 1
    assert rows[("cio", "france-travail")]["expired"] == 1
    assert rows[("cio", "france-travail")]["acceptance_rate"] is None


def test_it_computes_the_acceptance_rate_among_answered_referrals(history):
    assert Referral.objects.acceptance_rate() == pytest.approx(3 / 4)
    assert Referral.objects.filter(to_network="cio").acceptance_rate() == 1
    assert Referral.objects.none().acceptance_rate() is None


def test_it_computes_the_median_time_to_first_answer(history):
    # Delays: 1 h, 2 h, 4 h, 10 h → median 3 h; expiry is not an answer.
    assert Referral.objects.median_time_to_first_answer() == timedelta(hours=3)
    assert Referral.objects.none().median_time_to_first_answer() is None


def test_the_summary_for_dashboards_holds_no_personal_data(history):
    summary = Referral.objects.summary()
    assert summary["total"] == 6
    assert summary["par_etat"]["envoyee"] == 1 and summary["par_etat"]["expiree"] == 1
    assert summary["delai_median_premiere_reponse_heures"] == 3.0
    assert "Camille" not in str(summary)
