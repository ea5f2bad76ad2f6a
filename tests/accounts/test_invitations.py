"""Joining a structure by invitation: the person accepts from the link, logged in with the invited account
or creating it; the link is single-use, hashed in the database, expires, and every step is logged."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from spro.accounts import invitations
from spro.accounts.models import Invitation, User
from spro.directory.models import ChangeRecord, Membership
from tests.accounts import factories
from tests.www.structures.factories import structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def ml():
    ml = structure("Mission Locale de Toulouse")
    factories.member(ml, "alice@ml.test", role=Membership.Role.ADMIN)
    return ml


def send(ml, email, mailoutbox, capture, role="conseiller"):
    """Invite `email` as Alice; the path of the link received by e-mail."""
    with capture(execute=True):
        invitations.invite(ml, email, role, User.objects.get(email="alice@ml.test"))
    body = mailoutbox[-1].body
    return re.search(r"https?://[^/\s]+(/comptes/invitation/[^\s]+/)", body).group(1)


def test_the_email_is_plain_french_text_and_the_token_is_stored_hashed(
    ml, mailoutbox, django_capture_on_commit_callbacks
):
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    message = mailoutbox[0]
    assert (
        message.subject == "Invitation à rejoindre « Mission Locale de Toulouse » dans l'espace professionnel"
    )
    assert "avec le rôle de conseiller" in message.body and "valable 7 jours" in message.body
    assert "&#x27;" not in message.subject + message.body
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and invitation.token_hash == invitations.hash_token(token)


def test_a_new_address_chooses_its_name_and_password_and_joins(
    client, ml, mailoutbox, django_capture_on_commit_callbacks
):
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    page = client.get(path)
    assert page.status_code == 200 and "Créez votre compte pour" in page.content.decode()
    response = client.post(
        path,
        {
            "first_name": "Chloé",
            "last_name": "Martin",
            "password1": "une phrase de passe",
            "password2": "une phrase de passe",
        },
    )
    assert response.status_code == 302 and response.url == reverse("structures:detail", args=[ml.pk])
    chloe = User.objects.get(email="chloe@ml.test")
    assert (chloe.first_name, chloe.check_password("une phrase de passe")) == ("Chloé", True)
    assert Membership.objects.get(user=chloe, structure=ml).role == "conseiller"
    assert client.get(reverse("accounts:account")).status_code == 200  # logged in
    assert [e.action for e in Invitation.objects.get().events.all()] == ["envoi", "acceptation"]
    record = ChangeRecord.objects.get(object_type="structure", object_id=ml.pk)
    assert record.changes == {"membre": {"avant": None, "apres": "chloe@ml.test (Conseiller)"}}


def test_a_weak_or_mismatched_password_is_refused_in_french(
    client, ml, mailoutbox, django_capture_on_commit_callbacks
):
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    response = client.post(
        path, {"first_name": "C", "last_name": "M", "password1": "court", "password2": "court"}
    )
    assert response.status_code == 200
    assert "trop court" in response.content.decode()
    response = client.post(
        path,
        {"first_name": "C", "last_name": "M", "password1": "une phrase de passe", "password2": "autre chose"},
    )
    assert "ne sont pas identiques" in response.content.decode()
    assert not User.objects.filter(email="chloe@ml.test").exists()


def test_an_existing_account_logs_in_then_accepts(client, ml, mailoutbox, django_capture_on_commit_callbacks):
    chloe = factories.user("chloe@ml.test")
    path = send(ml, "Chloe@ML.test", mailoutbox, django_capture_on_commit_callbacks)
    page = client.get(path).content.decode()
    assert "Se connecter pour accepter" in page and "Créez votre compte" not in page
    assert not Membership.objects.filter(user=chloe).exists()
    factories.login_verified(client, chloe)
    assert "Accepter l'invitation" in client.get(path).content.decode()
    assert not Membership.objects.filter(user=chloe).exists()  # opening the link is not accepting
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=chloe, structure=ml).role == "conseiller"


def test_a_region_account_must_accept_explicitly_and_is_warned(
    client, ml, mailoutbox, django_capture_on_commit_callbacks
):
    remi = factories.region_admin()
    path = send(ml, remi.email, mailoutbox, django_capture_on_commit_callbacks, role="administrateur")
    factories.login_verified(client, remi)
    page = client.get(path).content.decode()
    assert "Votre compte est un compte de la Région" in page
    assert not Membership.objects.filter(user=remi).exists()
    client.post(path)
    assert Membership.objects.get(user=remi).role == "administrateur"


def test_another_account_cannot_use_the_link(client, ml, mailoutbox, django_capture_on_commit_callbacks):
    factories.user("chloe@ml.test")
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    intruder = factories.user("intrus@ailleurs.test")
    factories.login_verified(client, intruder)
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    assert not Membership.objects.filter(structure=ml, user=intruder).exists()


def test_the_link_works_once(client, ml, mailoutbox, django_capture_on_commit_callbacks):
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    data = {
        "first_name": "C",
        "last_name": "M",
        "password1": "une phrase de passe",
        "password2": "une phrase de passe",
    }
    client.post(path, data)
    client.logout()
    response = client.get(path)
    assert response.status_code == 404 and "Invitation non valable" in response.content.decode()


def test_a_resent_invitation_disables_the_previous_link(
    client, ml, mailoutbox, django_capture_on_commit_callbacks
):
    old = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    new = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    assert old != new and Invitation.objects.count() == 1
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_cancelled_invitation_cannot_be_accepted(
    client, ml, mailoutbox, django_capture_on_commit_callbacks
):
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    invitations.cancel(Invitation.objects.get(), None)
    assert client.get(path).status_code == 404


def test_an_invitation_expires_after_seven_days_and_it_is_logged(
    client, ml, mailoutbox, django_capture_on_commit_callbacks
):
    path = send(ml, "chloe@ml.test", mailoutbox, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(path).status_code == 404
        data = {
            "first_name": "C",
            "last_name": "M",
            "password1": "une phrase de passe",
            "password2": "une phrase de passe",
        }
        assert client.post(path, data).status_code == 404
    invitation = Invitation.objects.get()
    assert invitation.status == "expiree"
    assert [e.action for e in invitation.events.all()] == ["envoi", "expiration"]
    assert not User.objects.filter(email="chloe@ml.test").exists()


def test_an_unknown_or_hostile_token_gets_a_french_404(client):
    for token in ("inconnu", "a" * 300, "%00", "é" * 50):
        response = client.get(f"/comptes/invitation/{token}/")
        assert response.status_code == 404
        assert "Invitation non valable" in response.content.decode()
