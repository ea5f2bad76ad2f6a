"""Login and logout with an email and a password, for members of structures (no second factor)."""

import pytest
from django.urls import reverse

from tests.accounts import factories

pytestmark = pytest.mark.django_db


def login(client, email, password=factories.PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password, **extra})


def test_it_shows_a_french_login_form(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Connexion à l'espace professionnel</h1>" in html
    assert "Adresse électronique" in html and "Mot de passe oublié" in html


def test_it_logs_a_member_in_with_email_and_password(client):
    factories.user("conseillere@structure.test")
    response = login(client, "Conseillere@Structure.test")
    assert response.status_code == 302
    assert response.url == reverse("pro:home")
    assert client.get(reverse("pro:home")).status_code == 200


def test_it_goes_to_the_next_page_after_login(client):
    factories.user("conseillere@structure.test")
    response = login(client, "conseillere@structure.test", next=reverse("accounts:account"))
    assert response.url == reverse("accounts:account")


def test_it_refuses_an_external_next_page(client):
    factories.user("conseillere@structure.test")
    response = login(client, "conseillere@structure.test", next="https://example.com/")
    assert response.url == reverse("pro:home")


def test_it_refuses_a_wrong_password_in_french(client):
    factories.user("conseillere@structure.test")
    response = login(client, "conseillere@structure.test", password="pas le bon")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_gives_the_same_message_for_an_unknown_email(client):
    response = login(client, "personne@nulle-part.test")
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_it_refuses_an_inactive_account(client):
    factories.user("ancien@structure.test", is_active=False)
    response = login(client, "ancien@structure.test")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_logs_out_with_post_only(client):
    person = factories.user("conseillere@structure.test")
    client.force_login(person)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert "_auth_user_id" not in client.session


def test_it_sends_anonymous_visitors_of_the_pro_space_to_login(client):
    response = client.get(reverse("pro:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
