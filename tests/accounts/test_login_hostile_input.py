"""Hostile login input: a NUL byte (which PostgreSQL refuses in text) or 100 kB in the address or the
password gets the same French validation error as any invalid value, and writes nothing."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from spro.accounts import throttling
from spro.accounts.models import LoginAttempt
from tests.accounts import factories
from tests.forms import form_token

pytestmark = pytest.mark.django_db

INVALID_EMAIL = "Saisissez une adresse de courriel valide."
NUL_REFUSED = "Le caractère nul n’est pas autorisé."


def post_raw(client, body: bytes):
    """A form body as a browser (or a script) sends it, NUL bytes percent-encoded."""
    return client.post(reverse("accounts:login"), body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "body",
    [b"username=%00&password=x", b"username=cible%00%40structure.test&password=x", b"username=%00%00"],
    ids=["nul", "nul-inside", "nul-without-password"],
)
def test_it_refuses_a_nul_byte_in_the_address_like_any_invalid_address(client, body):
    factories.user("cible@structure.test")
    response = post_raw(client, body)
    assert response.status_code == 200
    assert INVALID_EMAIL in response.content.decode()
    assert NUL_REFUSED in response.content.decode()
    assert not LoginAttempt.objects.exists()


def test_it_refuses_a_nul_byte_in_the_password_without_looking_it_up(client):
    factories.user("cible@structure.test")
    response = post_raw(client, b"username=cible%40structure.test&password=un%00mot")
    assert response.status_code == 200
    assert NUL_REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_100_kB_in_the_address_and_the_password(client):
    response = post_raw(client, b"username=" + b"a" * 100_000 + b"&password=" + b"b" * 100_000)
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus" in response.content.decode()
    assert not LoginAttempt.objects.exists()


def test_the_lockout_lookup_never_sends_a_nul_byte_to_the_database():
    # Any caller, not only the form: an unreadable address is never locked, never recorded.
    assert throttling.is_locked("a\x00@b.test", "192.0.2.1") is False
    throttling.record_failure("a\x00@b.test", "192.0.2.1")
    throttling.clear("a\x00@b.test")
    assert not LoginAttempt.objects.exists()


def test_a_password_reset_with_a_nul_byte_is_refused_in_french(client):
    url = reverse("accounts:password_reset")
    body = f"email=%00&form_token={quote(form_token(client, url))}"
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert NUL_REFUSED in response.content.decode()
