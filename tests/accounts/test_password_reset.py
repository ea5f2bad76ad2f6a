"""Forgotten password: a French email with a single-use link; the same neutral message for unknown emails."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from spro.accounts.models import LoginAttempt
from tests.accounts import factories
from tests.forms import post_form

pytestmark = pytest.mark.django_db

NEUTRAL = "Si un compte correspond à cette adresse"


def ask_reset(client, email):
    return post_form(client, reverse("accounts:password_reset"), {"email": email}, follow=True)


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_it_sends_a_french_email_with_a_reset_link(client):
    factories.user("oubli@structure.test")
    response = ask_reset(client, "oubli@structure.test")
    assert NEUTRAL in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["oubli@structure.test"]
    assert message.subject == "Réinitialisation de votre mot de passe — Orientation"
    assert "Pour choisir un nouveau mot de passe, ouvrez ce lien" in message.body
    assert "/comptes/reinitialiser/" in link_in(message)


def test_it_gives_the_same_message_and_sends_nothing_for_an_unknown_email(client):
    response = ask_reset(client, "personne@nulle-part.test")
    assert NEUTRAL in response.content.decode()
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once(client):
    person = factories.user("oubli@structure.test")
    ask_reset(client, "oubli@structure.test")
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    new = "une toute nouvelle phrase secrète"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Votre mot de passe a été enregistré." in done.content.decode()
    person.refresh_from_db()
    assert person.check_password(new)
    assert "Lien invalide" in client.get(link, follow=True).content.decode()


def test_it_refuses_a_weak_new_password_in_french(client):
    factories.user("oubli@structure.test")
    ask_reset(client, "oubli@structure.test")
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "court", "new_password2": "court"}
    )
    assert "Ce mot de passe est trop court" in response.content.decode()


def test_a_new_password_lifts_a_login_lockout(client):
    factories.user("oubli@structure.test")
    LoginAttempt.objects.bulk_create(LoginAttempt(email="oubli@structure.test") for _ in range(10))
    ask_reset(client, "oubli@structure.test")
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    new = "une toute nouvelle phrase secrète"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    response = client.post(reverse("accounts:login"), {"username": "oubli@structure.test", "password": new})
    assert response.status_code == 302


def test_the_email_is_text_even_for_an_address_with_an_apostrophe(client):
    factories.user("o'neil&co@structure.test")
    ask_reset(client, "o'neil&co@structure.test")
    (message,) = mail.outbox
    assert "(o'neil&co@structure.test)" in message.body
    assert "&#x27;" not in message.body + message.subject and "&amp;" not in message.body
