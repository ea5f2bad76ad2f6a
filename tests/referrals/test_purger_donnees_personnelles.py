"""`spro purger-donnees-personnelles`: after the retention period no name, phone, email or free text remains
anywhere in the database for expired records, while the anonymous statistics stay; a second run changes
nothing. The access log keeps its rows: their "why" is blanked after the same retention period, and who
read is forgotten after the log's own, longer, period (`SPRO_ACCESS_LOG_RETENTION_DAYS`)."""

from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models

from spro.referrals.models import ContactRequest, PersonalDataAccess, Referral
from tests.forms import post_form
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
    "raison de troisième porte confidentielle",
    "commentaire d'acceptation confidentiel",
    "courrier de Zéphyrin",
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
        third = referral(
            w,
            to_site=w.site_c,
            previous_door="cio",
            third_door_reason="raison de troisième porte confidentielle",
            message="texte libre confidentiel",
        )
    with time_machine.travel("2026-01-06 10:00:00 +01:00", tick=False):
        old.process("refuser", user=w.bob, refusal_reason=refusal_reason(), reason="texte libre confidentiel")
        old_contact.process("traiter", user=w.bob, note="note de suivi confidentielle")
        third.process("accepter", user=w.carole, reason="commentaire d'acceptation confidentiel")
        third.process("personne-recue", user=w.carole)
        PersonalDataAccess.record(
            w.remi, "personne", reason="Demande par courrier de Zéphyrin", action="recherche"
        )
    with time_machine.travel("2026-05-01 10:00:00 +02:00", tick=False):
        recent_closed = referral(w)
        recent_closed.process("accepter", user=w.bob)
        recent_closed.process("personne-recue", user=w.bob)
        still_open = referral(w, to_site=w.site_c)
    return {
        "old": old,
        "old_contact": old_contact,
        "third": third,
        "recent": recent_closed,
        "open": still_open,
    }


def test_it_erases_every_trace_of_expired_personal_data_and_keeps_statistics(records):
    before = Referral.objects.summary()
    assert any(OLD["person_email"] in v for v in text_values_in_database())
    out = purge("2026-05-02 10:00:00 +02:00")
    assert "2 orientation(s), 1 demande(s) de contact (conservation : 90 jours)" in out
    assert "Journal des accès : 1 motif(s) effacé(s)" in out
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
    assert "Journal des accès : 0 motif(s) effacé(s), 0 ligne(s) anonymisée(s)" in out
    assert sorted(text_values_in_database()) == snapshot
    assert list(Referral.objects.values_list("pk", "personal_data_erased_at")) == erased


def test_a_contact_request_is_erased_after_its_own_retention_period_whatever_its_status(w):
    with time_machine.travel("2026-01-05 10:00:00 +01:00", tick=False):
        contact_request(w.site_b, retention_days=30)
    purge("2026-02-03 10:00:00 +01:00")
    assert ContactRequest.objects.get().name != ""
    purge("2026-02-05 10:00:00 +01:00")
    assert ContactRequest.objects.get().name == ""


def access(user, when: str, reason: str) -> PersonalDataAccess:
    with time_machine.travel(when, tick=False):
        return PersonalDataAccess.record(user, "orientation", 1, reason)


def test_the_access_log_keeps_its_rows_and_blanks_their_why_after_the_retention_period(w):
    old = access(w.bob, "2026-01-05 10:00:00 +01:00", "Demande de Mme Motif-Ancien par téléphone")
    recent = access(w.bob, "2026-04-20 10:00:00 +02:00", "Demande de Mme Motif-Récent")
    purge("2026-05-02 10:00:00 +02:00")
    assert PersonalDataAccess.objects.count() == 2
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.reason, old.user, old.user_label, old.action, old.record_id) == (
        "",
        w.bob,
        w.bob.email,
        "consultation",
        1,
    )
    assert recent.reason == "Demande de Mme Motif-Récent"


def test_the_access_log_forgets_who_read_after_its_own_period_and_keeps_the_anonymous_row(w, settings):
    row = access(w.bob, "2026-01-05 10:00:00 +01:00", "Traiter l'orientation reçue")
    purge("2027-01-04 10:00:00 +01:00")
    row.refresh_from_db()
    assert (row.user, row.user_label) == (w.bob, w.bob.email)
    out = purge("2027-01-06 10:00:00 +01:00")
    assert "0 motif(s) effacé(s), 1 ligne(s) anonymisée(s)" in out
    row.refresh_from_db()
    assert (row.user, row.user_label, row.reason, row.action, row.record_type, row.record_id) == (
        None,
        "",
        "",
        "consultation",
        "orientation",
        1,
    )
    assert not PersonalDataAccess.objects.filter(user_label=w.bob.email).exists()
    assert "0 ligne(s) anonymisée(s)" in purge("2027-01-07 10:00:00 +01:00")
    settings.SPRO_ACCESS_LOG_RETENTION_DAYS = 30
    other = access(w.alice, "2027-01-07 10:00:00 +01:00", "Suivre l'orientation envoyée")
    purge("2027-02-07 10:00:00 +01:00")
    other.refresh_from_db()
    assert (other.user, other.user_label) == (None, "")


def test_a_referral_left_open_is_erased_after_the_retention_period_from_sending(w):
    with time_machine.travel("2026-01-05 10:00:00 +01:00", tick=False):
        forgotten = referral(w)
        forgotten.process("accepter", user=w.bob)
    purge("2026-04-04 10:00:00 +02:00")
    assert Referral.objects.get().person_name == PERSON["person_name"]
    purge("2026-04-06 10:00:00 +02:00")
    r = Referral.objects.get()
    assert (r.person_name, r.person_phone, r.person_email, r.state) == ("", "", "", "acceptee")


def test_expired_sessions_and_the_situations_they_kept_are_deleted(w, client):
    """Step 1 of a referral is kept in the professional's session: it goes with the expired session."""
    from django.contrib.sessions.models import Session

    from tests.referrals.factories import login

    with time_machine.travel("2026-01-05 10:00:00 +01:00", tick=False):
        login(client, w.alice)
        step1 = {"etape": "situation", "structure": w.structure_a.pk, "besoin": "trouver-emploi", "age": 47}
        assert post_form(client, "/espace-pro/orientations/nouvelle/", step1).status_code == 303
    assert Session.objects.count() == 1
    out = purge("2026-01-05 17:00:00 +01:00")
    assert Session.objects.count() == 1 and "Sessions expirées supprimées : 0" in out
    out = purge("2026-01-05 18:01:00 +01:00")  # SESSION_COOKIE_AGE: 8 hours
    assert Session.objects.count() == 0 and "Sessions expirées supprimées : 1" in out
