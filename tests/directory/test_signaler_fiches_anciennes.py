"""`spro signaler-fiches-anciennes`: members get the list of their structure's stale records, once a day."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from spro.directory.models import Membership
from tests.www.structures.factories import member, world

pytestmark = pytest.mark.django_db


def test_it_emails_each_member_the_stale_records_of_their_structure(django_capture_on_commit_callbacks):
    w = world()
    member(w.a, "claire@ml-toulouse.test")
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        w.site_b.touch()
        w.site_b.save()
        w.service_b.touch()
        w.service_b.save()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("signaler-fiches-anciennes")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["alice@ml-toulouse.test", "bob@cio-albi.test", "claire@ml-toulouse.test"]
    alice = next(m for m in mail.outbox if m.to == ["alice@ml-toulouse.test"])
    assert alice.subject == "3 fiches à vérifier pour Mission Locale de Toulouse"
    assert "Lieu d'accueil : Mission Locale — Capitole" in alice.body
    assert "Service : Premier accueil (Mission Locale — Capitole)" in alice.body
    assert "toujours exactes" in alice.body and f"/espace-pro/structures/{w.a.pk}/" in alice.body
    bob = next(m for m in mail.outbox if m.to == ["bob@cio-albi.test"])
    assert bob.subject == "1 fiche à vérifier pour CIO d'Albi"
    assert "Une fiche de l'annuaire" in bob.body


def test_it_sends_nothing_twice_the_same_day(django_capture_on_commit_callbacks):
    w = world()
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("signaler-fiches-anciennes")
            call_command("signaler-fiches-anciennes")
        assert len(mail.outbox) == 2
    with time_machine.travel(timezone.now() + timedelta(days=201), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("signaler-fiches-anciennes")
    assert len(mail.outbox) == 4
    assert Membership.objects.filter(structure=w.a).count() == 1


def test_it_sends_nothing_when_everything_is_fresh(django_capture_on_commit_callbacks):
    world()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("signaler-fiches-anciennes")
    assert mail.outbox == []


def test_the_email_reads_as_expected(django_capture_on_commit_callbacks, settings):
    settings.SPRO_BASE_URL = "https://orientation.region.test"
    settings.SPRO_REGION_NAME = "Occitanie"
    with time_machine.travel("2026-01-10 09:00 +01:00", tick=False):
        w = world()
        w.site_a.touch()
        w.site_a.save()
        w.service_a.touch()
        w.service_a.save()
    with time_machine.travel("2026-03-01 09:00 +01:00", tick=False):
        w.a.touch()
        w.a.save()
    with time_machine.travel("2026-08-01 08:00 +02:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("signaler-fiches-anciennes")
    alice = next(m for m in mail.outbox if m.to == ["alice@ml-toulouse.test"])
    assert alice.subject == "2 fiches à vérifier pour Mission Locale de Toulouse"
    assert alice.body == "\n".join(
        [
            "Bonjour,",
            "",
            "2 fiches de l'annuaire de l'orientation n'ont pas été mises à jour depuis plus de six mois "
            "pour « Mission Locale de Toulouse » :",
            "",
            "- Lieu d'accueil : Mission Locale — Capitole (dernière mise à jour le 10 janvier 2026)",
            "- Service : Premier accueil (Mission Locale — Capitole) "
            "(dernière mise à jour le 10 janvier 2026)",
            "",
            "Les personnes qui cherchent un interlocuteur comptent sur des informations exactes : adresses, "
            "horaires, services. Vérifiez ces fiches, puis modifiez-les ou confirmez d'un clic qu'elles sont "
            "« toujours exactes » :",
            f"https://orientation.region.test/espace-pro/structures/{w.a.pk}/",
            "",
            "Vous recevez ce message parce que vous êtes membre de cette structure "
            "dans l'espace professionnel du Service public régional de l'orientation Occitanie.",
            "",
        ]
    )


def test_a_structure_name_with_quotes_and_newlines_gives_a_one_line_text_subject(
    django_capture_on_commit_callbacks,
):
    w = world()
    w.b.name = "CIO d'Albi\n& <Castres>"
    w.b.save()
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("signaler-fiches-anciennes")
    bob = next(m for m in mail.outbox if m.to == ["bob@cio-albi.test"])
    assert bob.subject.endswith(" à vérifier pour CIO d'Albi & <Castres>")
    assert "« CIO d'Albi\n& <Castres> »" in bob.body
