"""The professional space's home: who I am and my roles, then each feature's partial."""

import html

import pytest
from django.urls import reverse

from spro.directory.models import Membership
from tests.accounts import factories
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_shows_the_roles_of_a_structure_member(client):
    a = directory.structure("cio", name="CIO A")
    person = factories.member(a, "admin@a.test", role=Membership.Role.ADMIN, first_name="Camille")
    client.force_login(person)
    page = html.unescape(client.get(reverse("pro:home")).content.decode())
    assert "<h1>Espace professionnel</h1>" in page
    assert "Bonjour Camille." in page
    assert "Administrateur ou administratrice — CIO A" in page


def test_it_shows_the_region_role(client):
    factories.login_verified(client, factories.region_instructor())
    page = client.get(reverse("pro:home")).content.decode()
    assert "Instructeur ou instructrice de la Région" in page


def test_it_says_when_there_is_no_role(client):
    client.force_login(factories.user("nouveau@structure.test"))
    assert "Aucun rôle pour l" in client.get(reverse("pro:home")).content.decode()
