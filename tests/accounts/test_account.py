"""The account page: identity, roles, password change, second factor management."""

import html

import pytest
from django.urls import reverse

from spro.directory.models import Membership
from tests.accounts import factories
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_it_shows_identity_roles_and_second_factor_status(client):
    structure = directory.structure("cio", name="CIO de Toulouse")
    person = factories.member(structure, "conseiller@structure.test", role=Membership.Role.ADMIN)
    client.force_login(person)
    page = text(client.get(reverse("accounts:account")))
    assert "<h1>Mon compte</h1>" in page
    assert "conseiller@structure.test" in page
    assert "Administrateur de la structure — CIO de Toulouse" in page
    assert "La double authentification n'est pas activée." in page


def test_it_saves_the_name(client):
    person = factories.user("conseiller@structure.test")
    client.force_login(person)
    response = client.post(reverse("accounts:account"), {"first_name": " Camille ", "last_name": "Martin"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Camille", "Martin")


def test_it_changes_the_password_with_the_old_one(client):
    person = factories.user("conseiller@structure.test")
    client.force_login(person)
    new = "une toute nouvelle phrase secrète"
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "faux", "new_password1": new, "new_password2": new},
    )
    assert "Votre ancien mot de passe est incorrect" in text(wrong)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Votre mot de passe a été modifié." in text(response)
    person.refresh_from_db()
    assert person.check_password(new)
    assert "_auth_user_id" in client.session  # still logged in


def test_it_requires_login(client):
    assert client.get(reverse("accounts:account")).url.startswith(reverse("accounts:login"))
