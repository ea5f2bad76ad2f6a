"""Brute force: after SPRO_LOGIN_MAX_FAILURES failures an account (or an address) is locked for
SPRO_LOGIN_LOCKOUT_MINUTES, with a French message, and unlocked after the window."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from spro.accounts.models import LoginAttempt
from tests.accounts import factories

pytestmark = pytest.mark.django_db

LOCKED = "Trop de tentatives de connexion ont échoué"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SPRO_LOGIN_MAX_FAILURES = 3
    settings.SPRO_LOGIN_LOCKOUT_MINUTES = 15


def login(client, email, password=factories.PASSWORD, ip="192.0.2.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, email, times, ip="192.0.2.1"):
    for _ in range(times):
        login(client, email, password="mauvais mot de passe", ip=ip)


def test_it_locks_the_account_after_too_many_failures(client):
    factories.user("cible@structure.test")
    fail(client, "cible@structure.test", 3)
    response = login(client, "cible@structure.test")  # even with the right password
    html = response.content.decode()
    assert response.status_code == 200
    assert LOCKED in html and "15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_it_locks_the_email_from_another_address_too(client):
    factories.user("cible@structure.test")
    fail(client, "cible@structure.test", 3, ip="192.0.2.1")
    assert LOCKED in login(client, "cible@structure.test", ip="198.51.100.7").content.decode()


def test_it_does_not_lock_before_the_limit(client):
    factories.user("cible@structure.test")
    fail(client, "cible@structure.test", 2)
    assert login(client, "cible@structure.test").status_code == 302


def test_it_unlocks_after_the_window(client):
    factories.user("cible@structure.test")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "cible@structure.test", 3)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert LOCKED in login(client, "cible@structure.test").content.decode()
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert login(client, "cible@structure.test").status_code == 302


def test_it_forgets_failures_after_a_successful_login(client):
    factories.user("cible@structure.test")
    fail(client, "cible@structure.test", 2)
    assert login(client, "cible@structure.test").status_code == 302
    assert not LoginAttempt.objects.filter(email="cible@structure.test").exists()


def test_it_locks_an_address_that_tries_many_emails(client):
    factories.user("cible@structure.test")
    for n in range(3 * 4):  # IP_FACTOR emails' worth of failures from one address
        fail(client, f"inconnu{n}@structure.test", 1, ip="203.0.113.9")
    assert LOCKED in login(client, "cible@structure.test", ip="203.0.113.9").content.decode()
    assert login(client, "cible@structure.test", ip="192.0.2.1").status_code == 302


def test_it_counts_unknown_emails_like_known_ones(client):
    fail(client, "inconnu@structure.test", 3)
    assert LOCKED in login(client, "inconnu@structure.test").content.decode()


def test_it_forgets_failures_older_than_the_window(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "ancien@structure.test", 2)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        fail(client, "autre@structure.test", 1)
    assert list(LoginAttempt.objects.values_list("email", flat=True)) == ["autre@structure.test"]


def test_behind_a_proxy_the_address_locked_is_the_clients_not_the_proxys(client, settings):
    """Behind a reverse proxy every request comes from the proxy: its address must not be locked."""
    settings.SPRO_BEHIND_PROXY = True
    factories.user("autre@structure.test")
    for i in range(3 * 4):  # enough failures to lock one address (IP_FACTOR × the account limit)
        client.post(
            reverse("accounts:login"),
            {"username": f"essai{i}@structure.test", "password": "mauvais mot de passe"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    assert set(LoginAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    response = client.post(
        reverse("accounts:login"),
        {"username": "autre@structure.test", "password": factories.PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert response.status_code == 302  # another person behind the same proxy logs in
