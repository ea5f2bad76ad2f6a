"""Emails of referrals and contact requests: French, after commit, no personal data, snapshots."""

import pytest
import time_machine
from django.core import mail

from spro.referrals.actions import process_referral, remind_and_expire
from tests.referrals.factories import PERSON, contact_request, referral, refusal_reason
from tests.referrals.snapshots import assert_snapshot

pytestmark = pytest.mark.django_db

FROZEN = "2026-03-02 09:30:00 +01:00"


@pytest.fixture(autouse=True)
def pinned_settings(settings):
    settings.SPRO_BASE_URL = "https://orientation.region.test"
    settings.SPRO_REFERRAL_REMINDER_DAYS = 5
    settings.SPRO_REFERRAL_EXPIRY_DAYS = 15


def rendered(message) -> str:
    return f"À : {', '.join(message.to)}\nObjet : {message.subject}\n\n{message.body}"


def assert_no_personal_data(message):
    for value in (*PERSON.values(), "Dominique", "dominique.martin@personne.test", "07 11 22 33 44"):
        assert value not in message.body and value not in message.subject


@time_machine.travel(FROZEN, tick=False)
def test_no_email_leaves_before_the_transaction_commits(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        referral(w)
    assert mail.outbox == []
    assert len(callbacks) == 1


@time_machine.travel(FROZEN, tick=False)
def test_the_receiving_structure_is_told_of_a_new_referral(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    assert [m.to for m in mail.outbox] == [["bob@france-travail.test"]]
    assert_no_personal_data(mail.outbox[0])
    assert_snapshot("referral_sent", rendered(mail.outbox[0]))


@time_machine.travel(FROZEN, tick=False)
def test_the_sender_is_told_of_an_acceptance(w, django_capture_on_commit_callbacks):
    r = referral(w)
    with django_capture_on_commit_callbacks(execute=True):
        process_referral(r, "accepter", user=w.bob)
    assert [m.to for m in mail.outbox] == [["alice@mission-locale.test"]]
    assert_snapshot("referral_accepted", rendered(mail.outbox[0]))


@time_machine.travel(FROZEN, tick=False)
def test_the_sender_is_told_of_a_refusal_and_its_reason(w, django_capture_on_commit_callbacks):
    r = referral(w)
    with django_capture_on_commit_callbacks(execute=True):
        process_referral(
            r, "refuser", user=w.bob, refusal_reason=refusal_reason(), reason="Camille Dupont-Testeur"
        )
    assert len(mail.outbox) == 1
    assert_no_personal_data(mail.outbox[0])
    assert_snapshot("referral_refused", rendered(mail.outbox[0]))


def test_reminder_and_expiry_emails(w, django_capture_on_commit_callbacks):
    with time_machine.travel(FROZEN, tick=False):
        r = referral(w)
    with time_machine.travel("2026-03-08 07:00:00 +01:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            remind_and_expire()
    assert len(mail.outbox) == 1
    assert_snapshot("referral_reminder", rendered(mail.outbox[0]))
    with time_machine.travel("2026-03-18 07:00:00 +01:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            remind_and_expire()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["alice@mission-locale.test"]
    assert_snapshot("referral_expired", rendered(mail.outbox[1]))
    assert r.transitions.count() == 3


@time_machine.travel(FROZEN, tick=False)
def test_the_sites_structure_is_told_of_a_contact_request(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact_request(w.site_b)
    assert [m.to for m in mail.outbox] == [["bob@france-travail.test"]]
    assert_no_personal_data(mail.outbox[0])
    assert_snapshot("contact_request", rendered(mail.outbox[0]))


@time_machine.travel(FROZEN, tick=False)
def test_each_member_gets_their_own_message(w, django_capture_on_commit_callbacks):
    from tests.referrals.factories import member

    member(w.structure_b, "berenice@france-travail.test")
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    assert sorted(m.to[0] for m in mail.outbox) == ["berenice@france-travail.test", "bob@france-travail.test"]
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_a_mail_server_failure_does_not_undo_or_break_the_referral(
    w, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        r = referral(w)
    assert r.pk and r.state == "envoyee"


HOSTILE_NAME = "L'Escale & <Compagnie>"


def test_subjects_and_bodies_are_text_not_html(w, django_capture_on_commit_callbacks):
    w.site_b.name = HOSTILE_NAME
    w.site_b.save()
    w.structure_b.name = "Rock'n <Roll> & Co"
    w.structure_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        r = referral(w)
    with django_capture_on_commit_callbacks(execute=True):
        process_referral(r, "accepter", user=w.bob)
    sent, accepted = mail.outbox
    assert sent.subject == f"Nouvelle orientation reçue pour {HOSTILE_NAME}"
    assert f"« {HOSTILE_NAME} »" in sent.body
    assert accepted.subject == f"Orientation n° {r.pk} acceptée par Rock'n <Roll> & Co"
    for message in mail.outbox:
        for escaped in ("&#x27;", "&amp;", "&lt;", "&gt;", "&quot;"):
            assert escaped not in message.subject and escaped not in message.body


def test_a_contact_request_subject_is_text_on_one_line(w, django_capture_on_commit_callbacks):
    w.site_b.name = "Point d'accueil\n& <Jeunes>"
    w.site_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        contact_request(w.site_b)
    (message,) = mail.outbox
    assert message.subject == "Une demande de contact attend Point d'accueil & <Jeunes>"
    assert "« Point d'accueil\n& <Jeunes> »" in message.body
