"""Registration to a training session: places, the waiting list, cancellation and promotion (with their
e-mails), registering a colleague, attendance and the attestation, and `spro echeances-reseau`."""

import io
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from spro.directory.models import Membership
from spro.network import workflow
from spro.network.attestation import render_pdf
from spro.network.models import NetworkLog, TrainingRegistration
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.network.factories import paris, training

pytestmark = pytest.mark.django_db

BEFORE = "2027-02-01 10:00:00 +01:00"


@pytest.fixture
def cio():
    return directory.structure("cio", name="CIO de Toulouse")


@pytest.fixture
def people(cio):
    return {
        "admin": accounts.member(cio, "admin@cio.test", role=Membership.Role.ADMIN, first_name="Ada"),
        "bea": accounts.member(cio, "bea@cio.test", first_name="Béa"),
        "carl": accounts.member(cio, "carl@cio.test", first_name="Carl"),
        "dora": accounts.member(cio, "dora@cio.test", first_name="Dora"),
    }


def register(session, person, structure, by=None, capture=None):
    with time_machine.travel(BEFORE, tick=False):
        return workflow.register(session, person, structure, by or person)


def states(session):
    return {
        r.user.first_name: r.state
        for r in TrainingRegistration.objects.filter(training=session).select_related("user")
    }


def test_a_full_session_puts_the_next_person_on_the_waiting_list(
    cio, people, django_capture_on_commit_callbacks
):
    session = training(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        register(session, people["bea"], cio)
        register(session, people["carl"], cio)
        waiting = register(session, people["dora"], cio)
    assert states(session) == {"Béa": "inscrit", "Carl": "inscrit", "Dora": "attente"}
    assert waiting.waiting_since is not None
    assert session.places_left() == 0
    assert [m.to for m in mail.outbox] == [["bea@cio.test"], ["carl@cio.test"], ["dora@cio.test"]]
    assert "Liste d'attente" in mail.outbox[2].subject
    assert "en position 1" in mail.outbox[2].body


def test_a_cancellation_gives_the_place_to_the_first_waiting_with_an_email(
    cio, people, django_capture_on_commit_callbacks
):
    session = training(capacity=1)
    bea = register(session, people["bea"], cio)
    register(session, people["carl"], cio)
    register(session, people["dora"], cio)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(BEFORE, tick=False):
        workflow.cancel_registration(bea, people["bea"])
    assert states(session) == {"Béa": "annule", "Carl": "inscrit", "Dora": "attente"}
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "bea@cio.test": "Inscription annulée : L'aiguillage en pratique",
        "carl@cio.test": "Une place s'est libérée : L'aiguillage en pratique",
    }
    actions = list(NetworkLog.objects.filter(subject="inscription").values_list("action", "to_state"))
    assert actions[-2:] == [("annulation", "annule"), ("promotion", "inscrit")]


def test_leaving_the_waiting_list_promotes_nobody(cio, people):
    session = training(capacity=1)
    register(session, people["bea"], cio)
    carl = register(session, people["carl"], cio)
    register(session, people["dora"], cio)
    with time_machine.travel(BEFORE, tick=False):
        workflow.cancel_registration(carl, people["carl"])
    assert states(session) == {"Béa": "inscrit", "Carl": "annule", "Dora": "attente"}


def test_someone_cancelled_may_register_again_and_joins_the_end_of_the_list(cio, people):
    session = training(capacity=1)
    bea = register(session, people["bea"], cio)
    with time_machine.travel(BEFORE, tick=False):
        workflow.cancel_registration(bea, people["bea"])
    register(session, people["carl"], cio)
    again = register(session, people["bea"], cio)
    assert again.pk == bea.pk and again.state == "attente"


def test_nobody_registers_twice(cio, people):
    session = training(capacity=5)
    register(session, people["bea"], cio)
    with pytest.raises(workflow.Refused, match="déjà inscrite"):
        register(session, people["bea"], cio)
    assert TrainingRegistration.objects.count() == 1


def test_the_administrator_registers_a_colleague_an_adviser_does_not(
    cio, people, django_capture_on_commit_callbacks
):
    session = training(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session, people["bea"], cio, by=people["admin"])
    assert registration.registered_by == people["admin"]
    assert sorted(mail.outbox[0].to) == ["admin@cio.test", "bea@cio.test"]
    with pytest.raises(workflow.Refused, match="administrateurs"):
        register(session, people["dora"], cio, by=people["carl"])
    with pytest.raises(workflow.Refused, match="administrateurs"):
        with time_machine.travel(BEFORE, tick=False):
            workflow.cancel_registration(registration, people["carl"])


def test_a_person_of_another_structure_cannot_be_registered_for_this_one(cio, people):
    other = directory.structure("mission-locale", name="Mission locale")
    stranger = accounts.member(other, "eve@ml.test")
    with pytest.raises(workflow.Refused, match="pas membre"):
        register(training(), stranger, cio, by=stranger)


def test_a_started_or_cancelled_session_takes_no_registration(cio, people):
    session = training()
    with time_machine.travel(paris(2027, 3, 10, 10, 0), tick=False):
        with pytest.raises(workflow.Refused, match="a commencé"):
            workflow.register(session, people["bea"], cio, people["bea"])
    other = training(title="Autre session")
    workflow.cancel_training(other, None, "Formateur malade")
    with pytest.raises(workflow.Refused, match="annulée"):
        register(other, people["bea"], cio)


def test_cancelling_a_session_mails_everyone_registered_or_waiting(
    cio, people, django_capture_on_commit_callbacks
):
    session = training(capacity=1)
    register(session, people["bea"], cio)
    register(session, people["carl"], cio)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.cancel_training(session, None, "Formateur malade")
    assert sorted(m.to[0] for m in mail.outbox) == ["bea@cio.test", "carl@cio.test"]
    assert all("Formateur malade" in m.body for m in mail.outbox)


def test_attendance_gives_an_attestation_whose_pdf_names_the_person_and_the_session(cio, people):
    session = training(capacity=5, label_obligation=True)
    bea = register(session, people["bea"], cio)
    carl = register(session, people["carl"], cio)
    with pytest.raises(workflow.Refused, match="une fois la session commencée"):
        with time_machine.travel(BEFORE, tick=False):
            workflow.record_attendance(session, {bea.pk}, None)
    with time_machine.travel(paris(2027, 3, 10, 17, 30), tick=False):
        assert workflow.record_attendance(session, {bea.pk}, None) == 1
    bea.refresh_from_db()
    carl.refresh_from_db()
    assert (bea.attended, carl.attended) == (True, False)
    assert bea.attestation_reference.startswith("FORM-76-2027-") and carl.attestation_reference is None
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(bea))).pages)
    for expected in ("Attestation de formation", "Béa", "CIO de Toulouse", "L'aiguillage en pratique",
                     "le 10/03/2027, de 09:00 à 17:00", bea.attestation_reference,
                     "obligation de professionnalisation du label"):  # fmt: skip
        assert expected in text


def run_reminders(when: str, capture) -> str:
    out = StringIO()
    with time_machine.travel(when, tick=False), capture(execute=True):
        call_command("echeances-reseau", stdout=out)
    return out.getvalue()


def test_echeances_reseau_reminds_the_registered_once_two_days_ahead(
    cio, people, django_capture_on_commit_callbacks
):
    session = training(capacity=1)  # 10 March 2027, 9:00
    register(session, people["bea"], cio)
    register(session, people["carl"], cio)  # waiting: no reminder
    mail.outbox.clear()
    capture = django_capture_on_commit_callbacks
    assert "Rien à faire" in run_reminders("2027-03-08 08:00:00 +01:00", capture)
    assert "rappels de formation envoyés : 1" in run_reminders("2027-03-08 09:30:00 +01:00", capture)
    assert "Rien à faire" in run_reminders("2027-03-08 09:31:00 +01:00", capture)
    assert "Rien à faire" in run_reminders("2027-03-09 09:00:00 +01:00", capture)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["bea@cio.test"], "Rappel : L'aiguillage en pratique le 10/03/2027 de 09:00 à 17:00")
    ]


def test_echeances_reseau_refuses_a_malformed_date_in_french():
    with pytest.raises(Exception, match="AAAA-MM-JJ"):
        call_command("echeances-reseau", "--date", "hier")
