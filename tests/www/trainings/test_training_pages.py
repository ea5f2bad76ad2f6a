"""Training pages: registering through the session's page (a full session puts you on the waiting list),
cancelling from it, the organiser's attendance sheet, the attestation download and the trainings
followed by a structure."""

import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from spro.directory.models import Membership
from spro.network.models import TrainingRegistration
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import form_token
from tests.network.factories import paris, training

pytestmark = pytest.mark.django_db

NOW = "2027-02-01 10:00:00 +01:00"


@pytest.fixture
def w(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cio = directory.structure("cio", name="CIO de Toulouse")
    return {
        "cio": cio,
        "admin": accounts.member(cio, "admin@cio.test", role=Membership.Role.ADMIN, first_name="Ada"),
        "bea": accounts.member(cio, "bea@cio.test", first_name="Béa", last_name="Bru"),
        "carl": accounts.member(cio, "carl@cio.test", first_name="Carl", last_name="Cole"),
        "instructor": accounts.region_instructor(),
        "session": training(capacity=1),
    }


def register_through_the_page(client, who, session, **data):
    accounts.login_verified(client, who)
    detail = reverse("formations:detail", args=[session.pk])
    token = form_token(client, detail)
    return client.post(
        reverse("formations:register", args=[session.pk]),
        {"person": who.pk, "structure": 0, "form_token": token, **data},
        follow=True,
    )


def test_registering_then_a_full_session_then_a_cancellation(client, w, django_capture_on_commit_callbacks):
    session, cio = w["session"], w["cio"]
    with time_machine.travel(NOW, tick=True), django_capture_on_commit_callbacks(execute=True):
        page = register_through_the_page(client, w["bea"], session, structure=cio.pk).content.decode()
        assert "L&#x27;inscription est confirmée" in page
        page = register_through_the_page(client, w["carl"], session, structure=cio.pk).content.decode()
        assert "La session est complète" in page and "liste d&#x27;attente" in page
        assert dict(TrainingRegistration.objects.values_list("user__first_name", "state")) == {
            "Béa": "inscrit",
            "Carl": "attente",
        }
        accounts.login_verified(client, w["bea"])
        bea = TrainingRegistration.objects.get(user=w["bea"])
        url = reverse("formations:cancel_registration", args=[bea.pk])
        assert "première personne de la liste d'attente" in client.get(url).content.decode()
        assert client.post(url).status_code == 302
    assert dict(TrainingRegistration.objects.values_list("user__first_name", "state")) == {
        "Béa": "annule",
        "Carl": "inscrit",
    }
    assert mail.outbox[-1].to == ["carl@cio.test"] and "place s'est libérée" in mail.outbox[-1].subject


def test_a_double_submit_registers_once(client, w):
    with time_machine.travel(NOW, tick=True):
        accounts.login_verified(client, w["bea"])
        token = form_token(client, reverse("formations:detail", args=[w["session"].pk]))
        url = reverse("formations:register", args=[w["session"].pk])
        data = {"person": w["bea"].pk, "structure": w["cio"].pk, "form_token": token}
        client.post(url, data)
        client.post(url, data)
    assert TrainingRegistration.objects.count() == 1


def test_an_adviser_cannot_register_a_colleague_the_administrator_can(client, w):
    with time_machine.travel(NOW, tick=True):
        register_through_the_page(client, w["bea"], w["session"], person=w["carl"].pk, structure=w["cio"].pk)
        assert not TrainingRegistration.objects.exists()
        page = register_through_the_page(
            client, w["admin"], w["session"], person=w["carl"].pk, structure=w["cio"].pk
        ).content.decode()
    registration = TrainingRegistration.objects.get()
    assert (registration.user, registration.registered_by) == (w["carl"], w["admin"])
    assert "Carl Cole" in page


def test_the_organiser_records_attendance_and_the_attendee_downloads_the_attestation(client, w):
    with time_machine.travel(NOW, tick=True):
        register_through_the_page(client, w["bea"], w["session"], structure=w["cio"].pk)
    registration = TrainingRegistration.objects.get()
    sheet = reverse("formations:attendance", args=[w["session"].pk])
    accounts.login_verified(client, w["bea"])
    assert client.get(sheet).status_code == 403  # not the organiser (the Région is)
    with time_machine.travel(paris(2027, 3, 10, 18, 0), tick=True):
        accounts.login_verified(client, w["instructor"])
        assert client.post(sheet, {"present": [str(registration.pk), "x" * 50]}).status_code == 302
    registration.refresh_from_db()
    assert registration.attended is True
    accounts.login_verified(client, w["bea"])
    response = client.get(reverse("formations:attestation", args=[registration.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Béa Bru" in text and registration.attestation_reference in text
    followed = client.get(reverse("formations:structure", args=[w["cio"].pk]), {"format": "csv"})
    assert "Béa Bru" in followed.content.decode("utf-8-sig")
    assert "L'aiguillage en pratique" in client.get(reverse("formations:mine")).content.decode().replace(
        "&#x27;", "'"
    )


def test_a_session_is_published_by_the_region_with_french_errors(client, w):
    accounts.login_verified(client, w["instructor"])
    url = reverse("formations:create")
    token = form_token(client, url)
    response = client.post(
        url, {"title": "x", "mode": "distanciel", "capacity": "1e999", "form_token": token}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Indiquez le lien de la session à distance" in page or "Ce champ est obligatoire" in page
    token = form_token(client, url)
    data = {
        "title": "Accueillir les publics en situation de handicap",
        "objectives": "Adapter l'accueil.",
        "start": "2027-04-01T09:00",
        "end": "2027-04-01T12:00",
        "mode": "distanciel",
        "online_url": "https://visio.example.test/salle",
        "capacity": "12",
        "audience": "Conseillers",
        "axis": "publics",
        "form_token": token,
    }
    assert client.post(url, data).status_code == 302
    assert (
        client.get(reverse("region_formations:index")).content.decode().count("Accueillir les publics") == 1
    )
