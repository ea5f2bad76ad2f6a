"""`spro relancer-orientations`: one reminder after N days, expiry after M days, idempotent."""

from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from spro.referrals.models import Referral
from tests.referrals.factories import referral

pytestmark = pytest.mark.django_db

SENT_AT = "2026-03-02 09:30:00 +01:00"


def run(when: str, capture) -> str:
    out = StringIO()
    with time_machine.travel(when, tick=False), capture(execute=True):
        call_command("relancer-orientations", stdout=out)
    return out.getvalue()


@pytest.fixture
def sent(w):
    with time_machine.travel(SENT_AT, tick=False):
        return referral(w)


def test_it_does_nothing_before_the_reminder_delay(sent, django_capture_on_commit_callbacks):
    out = run("2026-03-07 09:00:00 +01:00", django_capture_on_commit_callbacks)
    assert "0 relance(s)" in out and "0 orientation(s) expirée(s)" in out
    assert mail.outbox == []
    assert Referral.objects.get().reminded_at is None


def test_it_reminds_the_receiving_structure_once(sent, django_capture_on_commit_callbacks):
    out = run("2026-03-07 10:00:00 +01:00", django_capture_on_commit_callbacks)
    assert "1 relance(s) envoyée(s) (après 5 jours)" in out
    run("2026-03-08 10:00:00 +01:00", django_capture_on_commit_callbacks)
    run("2026-03-09 10:00:00 +01:00", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["bob@france-travail.test"]]
    assert list(sent.transitions.values_list("name", flat=True)) == ["envoyer", "relancer"]
    assert Referral.objects.get().state == "envoyee"


def test_it_expires_after_the_expiry_delay_and_tells_the_first_door(sent, django_capture_on_commit_callbacks):
    run("2026-03-07 10:00:00 +01:00", django_capture_on_commit_callbacks)
    out = run("2026-03-17 10:00:00 +01:00", django_capture_on_commit_callbacks)
    assert "1 orientation(s) expirée(s) (après 15 jours)" in out
    r = Referral.objects.get()
    assert r.state == "expiree" and r.closed_at is not None and r.answered_at is None
    assert mail.outbox[-1].to == ["alice@mission-locale.test"]
    assert "expirée" in mail.outbox[-1].subject
    expiry = r.transitions.get(name="expirer")
    assert (expiry.from_state, expiry.to_state, expiry.user) == ("envoyee", "expiree", None)


def test_a_second_run_changes_nothing(sent, django_capture_on_commit_callbacks):
    run("2026-03-20 10:00:00 +01:00", django_capture_on_commit_callbacks)
    count, log = len(mail.outbox), sent.transitions.count()
    out = run("2026-03-20 10:05:00 +01:00", django_capture_on_commit_callbacks)
    assert "0 relance(s)" in out and "0 orientation(s) expirée(s)" in out
    assert (len(mail.outbox), sent.transitions.count()) == (count, log)


def test_an_answered_referral_is_neither_reminded_nor_expired(w, sent, django_capture_on_commit_callbacks):
    sent.process("accepter", user=w.bob)
    mail.outbox.clear()
    run("2026-04-30 10:00:00 +01:00", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Referral.objects.get().state == "acceptee"


def test_the_delays_come_from_the_settings(settings, sent, django_capture_on_commit_callbacks):
    settings.SPRO_REFERRAL_REMINDER_DAYS = 1
    settings.SPRO_REFERRAL_EXPIRY_DAYS = 2
    run("2026-03-03 10:00:00 +01:00", django_capture_on_commit_callbacks)
    assert Referral.objects.get().reminded_at is not None
    run("2026-03-04 10:00:00 +01:00", django_capture_on_commit_callbacks)
    assert Referral.objects.get().state == "expiree"
