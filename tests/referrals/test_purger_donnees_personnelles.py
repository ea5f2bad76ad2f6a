"""`spro purger-donnees-personnelles`: after the retention period no name, phone or email remains anywhere
in the database for expired records, while the anonymous statistics stay; a second run changes nothing."""

from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models

from spro.referrals.models import ContactRequest, PersonalDataAccess, Referral
from tests.referrals.factories import PERSON, contact_request, referral, refusal_reason

pytestmark = pytest.mark.django_db

OLD = {
    "person_name": "Zéphyrin Ancien-Purge",
    "person_phone": "06 55 44 33 22",
    "person_email": "zephyrin.ancien@purge.test",
}
OLD_CONTACT = {"name": "Ophélie Vieille-Demande", "phone": "07 66 55 44 33", "email": "ophelie@purge.test"}
SECRET_TEXTS = [
    *OLD.values(),
    *OLD_CONTACT.values(),
    "Zéphyrin",
    "Ophélie",
    "texte libre confidentiel",
    "note de suivi confidentielle",
]


def text_values_in_database() -> list[str]:
    """Every value of every text and JSON column of every model (a scan of the whole database)."""
    values = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.EmailField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                values.extend(str(v) for v in row if v not in (None, ""))
    return values


def purge(when: str) -> str:
    out = StringIO()
    with time_machine.travel(when, tick=False):
        call_command("purger-donnees-personnelles", stdout=out)
    return out.getvalue()


@pytest.fixture
def records(w):
    with time_machine.travel("2026-01-05 10:00:00 +01:00", tick=False):
        old = referral(w, **OLD, message="texte libre confidentiel")
        old_contact = contact_request(w.site_b, **OLD_CONTACT)
    with time_machine.travel("2026-01-06 10:00:00 +01:00", tick=False):
        old.process("refuser", user=w.bob, refusal_reason=refusal_reason(), reason="texte libre confidentiel")
        old_contact.process("traiter", user=w.bob, note="note de suivi confidentielle")
    with time_machine.travel("2026-05-01 10:00:00 +02:00", tick=False):
        recent_closed = referral(w)
        recent_closed.process("accepter", user=w.bob)
        recent_closed.process("personne-recue", user=w.bob)
        still_open = referral(w, to_site=w.site_c)
    return {"old": old, "old_contact": old_contact, "recent": recent_closed, "open": still_open}


def test_it_erases_every_trace_of_expired_personal_data_and_keeps_statistics(records):
    before = Referral.objects.summary()
    assert any(OLD["person_email"] in v for v in text_values_in_database())
    out = purge("2026-05-02 10:00:00 +02:00")
    assert "1 orientation(s), 1 demande(s) de contact (conservation : 90 jours)" in out
    leftovers = [v for v in text_values_in_database() for secret in SECRET_TEXTS if secret in v]
    assert leftovers == []
    assert Referral.objects.summary() == before
    old = Referral.objects.get(pk=records["old"].pk)
    assert (old.from_network, old.to_network, old.state, old.need) == (
        "mission-locale",
        "france-travail",
        "refusee",
        "trouver-emploi",
    )
    assert old.situation == {"statut": "demandeur-emploi", "besoin": "trouver-emploi"}
    assert old.personal_data_erased_at is not None
    assert old.refusal_reason == refusal_reason()
    assert old.transitions.count() == 2
    request = ContactRequest.objects.get(pk=records["old_contact"].pk)
    assert (request.network, request.status) == ("france-travail", "traitee")


def test_recent_or_open_records_keep_their_data(records):
    purge("2026-05-02 10:00:00 +02:00")
    for key in ("recent", "open"):
        r = Referral.objects.get(pk=records[key].pk)
        assert (r.person_name, r.person_email) == (PERSON["person_name"], PERSON["person_email"])


def test_a_second_run_changes_nothing(records):
    purge("2026-05-02 10:00:00 +02:00")
    snapshot = sorted(text_values_in_database())
    erased = list(Referral.objects.values_list("pk", "personal_data_erased_at"))
    out = purge("2026-05-02 10:05:00 +02:00")
    assert "0 orientation(s), 0 demande(s) de contact" in out
    assert sorted(text_values_in_database()) == snapshot
    assert list(Referral.objects.values_list("pk", "personal_data_erased_at")) == erased


def test_a_contact_request_is_erased_after_its_own_retention_period_whatever_its_status(w):
    with time_machine.travel("2026-01-05 10:00:00 +01:00", tick=False):
        contact_request(w.site_b, retention_days=30)
    purge("2026-02-03 10:00:00 +01:00")
    assert ContactRequest.objects.get().name != ""
    purge("2026-02-05 10:00:00 +01:00")
    assert ContactRequest.objects.get().name == ""


def test_the_audit_log_is_kept(records, client):
    PersonalDataAccess.record(records["old"].sender_user, "orientation", records["old"].pk, "Consultation")
    purge("2026-05-02 10:00:00 +02:00")
    assert PersonalDataAccess.objects.count() == 1


def test_a_referral_left_open_is_erased_after_the_retention_period_from_sending(w):
    with time_machine.travel("2026-01-05 10:00:00 +01:00", tick=False):
        forgotten = referral(w)
        forgotten.process("accepter", user=w.bob)
    purge("2026-04-04 10:00:00 +02:00")
    assert Referral.objects.get().person_name == PERSON["person_name"]
    purge("2026-04-06 10:00:00 +02:00")
    r = Referral.objects.get()
    assert (r.person_name, r.person_phone, r.person_email, r.state) == ("", "", "", "acceptee")
