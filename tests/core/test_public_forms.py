"""Public forms (contact request, forgotten password): honeypot and rate limit shared by every process.

A flood once created 200 contact requests and sent 200 e-mails in 6.5 s. Now, past the limit of a
client address or of a browser session within the window, the page is re-displayed with a French
alert and HTTP 429: nothing written, nothing sent. The counters live in the database, so separate
clients (other processes, other sessions) from one address, or one session from several addresses,
add up.
"""

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spro.core import ratelimit
from spro.core.guards import HONEYPOT_MESSAGE
from tests.accounts import factories as accounts
from tests.forms import form_token
from tests.routing.factories import site
from tests.www.structures.factories import member

pytestmark = pytest.mark.django_db

APOSTROPHE = "&#x27;"
NOW = timezone.datetime(2026, 12, 2, 9, 0, tzinfo=timezone.get_current_timezone())


def row_counts() -> dict:
    skip = {"core.RateCounter", "core.UsedFormToken", "sessions.Session"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label not in skip}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SPRO_FORM_MAX_PER_ADDRESS = 6
    settings.SPRO_FORM_MAX_PER_SESSION = 3
    settings.SPRO_FORM_WINDOW_MINUTES = 60
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def contact_url():
    place = site("mission-locale", needs=["trouver-un-emploi"], offset_km=1)
    member(place.structure, "conseil@ml-toulouse.test")  # who receives the contact requests by e-mail
    return f"/trouver-mon-interlocuteur/contact/{place.pk}/?age=20&besoin=trouver-emploi"


CONTACT = {"name": "Camille", "email": "camille@example.org", "consent": "on"}


def send(client, url, data, ip="203.0.113.7", **extra):
    """One submission as a browser makes it: the page, then the post with its token."""
    token = form_token(client, url)
    return client.post(url, {**data, "form_token": token}, REMOTE_ADDR=ip, **extra)


def contact_requests() -> int:
    return apps.get_model("referrals.ContactRequest").objects.count()


def test_a_browser_session_is_limited_and_told_so_in_french(
    client, contact_url, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                assert send(client, contact_url, CONTACT).status_code == 302
        before, sent = row_counts(), len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            refused = send(client, contact_url, {**CONTACT, "name": "Camille encore"})
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        html = refused.content.decode()
        assert "Trop de formulaires ont été envoyés depuis votre connexion en peu de temps" in html
        assert "réessayez dans 60 minutes" in html
        assert "fr-alert--error" in html
        assert 'value="Camille encore"' in html  # the page is re-displayed with what was typed
        assert row_counts() == before and len(mail.outbox) == sent == 3
    assert contact_requests() == 3


def test_the_window_opens_again_once_it_is_over(client, contact_url):
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(3):
            assert send(client, contact_url, CONTACT).status_code == 302
        traveller.shift(timedelta(minutes=45))
        refused = send(client, contact_url, CONTACT)
        assert refused.status_code == 429 and "réessayez dans 15 minutes" in refused.content.decode()
        traveller.shift(timedelta(minutes=15))
        assert send(client, contact_url, CONTACT).status_code == 302
    assert contact_requests() == 4


def test_separate_sessions_from_one_address_share_its_count(contact_url):
    """Each Client is another browser, as another server process sees it: only the database links them."""
    with time_machine.travel(NOW, tick=False):
        answers = [send(Client(), contact_url, CONTACT, ip="198.51.100.20").status_code for _ in range(8)]
    assert answers == [302] * 6 + [429] * 2
    assert contact_requests() == 6


def test_one_session_from_several_addresses_shares_its_count(client, contact_url):
    with time_machine.travel(NOW, tick=False):
        answers = [send(client, contact_url, CONTACT, ip=f"198.51.100.{i}").status_code for i in range(5)]
    assert answers == [302] * 3 + [429] * 2


def test_an_ipv6_subscriber_is_counted_by_its_network(contact_url):
    with time_machine.travel(NOW, tick=False):
        answers = [
            send(Client(), contact_url, CONTACT, ip=f"2001:db8:1:2::{i:x}").status_code for i in range(8)
        ]
    assert answers == [302] * 6 + [429] * 2


def test_behind_a_proxy_the_address_is_the_one_it_forwarded(contact_url, limits):
    limits.SPRO_BEHIND_PROXY = True

    def from_client(address):
        # The proxy appends the address it saw; what comes before it is whatever the client sent.
        forwarded = f"10.{address}.0.1, 192.0.2.{address}"
        return send(Client(), contact_url, CONTACT, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    with time_machine.travel(NOW, tick=False):
        assert [from_client(5).status_code for _ in range(7)] == [302] * 6 + [429]
        assert from_client(6).status_code == 302  # another client behind the same proxy


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(rf, limits):
    request = rf.post("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert ratelimit.client_ip(request) == "192.0.2.1"
    limits.SPRO_BEHIND_PROXY = True
    assert ratelimit.client_ip(request) == "203.0.113.9"
    for hostile in ("", "n'importe quoi", "1.2.3.4\x00", "a" * 10_000, "::1, 300.1.1.1"):
        request = rf.post("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=hostile)
        assert ratelimit.client_ip(request) == "192.0.2.1"


def test_the_forgotten_password_form_is_limited_too(client, django_capture_on_commit_callbacks):
    accounts.user("oubli@structure.test")
    url = reverse("accounts:password_reset")
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            assert send(client, url, {"email": "oubli@structure.test"}).status_code == 302
        refused = send(client, url, {"email": "oubli@structure.test"})
    assert refused.status_code == 429
    assert "Trop de formulaires ont été envoyés" in refused.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("url_name", ["contact", "password_reset"])
def test_a_filled_honeypot_writes_nothing_and_sends_nothing(client, contact_url, url_name):
    accounts.user("oubli@structure.test")
    url, data = (
        (contact_url, CONTACT)
        if url_name == "contact"
        else (reverse("accounts:password_reset"), {"email": "oubli@structure.test"})
    )
    page = client.get(url).content.decode()
    assert 'name="homepage"' in page and 'class="spro-honeypot"' in page
    before = row_counts()
    refused = send(client, url, {**data, "homepage": "https://spam.example"})
    assert refused.status_code == 400
    assert HONEYPOT_MESSAGE.replace("'", APOSTROPHE) in refused.content.decode()
    assert row_counts() == before and mail.outbox == []


def test_the_counters_of_past_windows_are_cleaned_up(client, contact_url):
    counters = apps.get_model("core.RateCounter").objects
    with time_machine.travel(NOW, tick=False) as traveller:
        send(client, contact_url, CONTACT)
        assert counters.count() == 2  # the address and the session
        traveller.shift(timedelta(hours=3))
        send(client, contact_url, CONTACT)
        assert counters.count() == 2
        assert set(counters.values_list("hits", flat=True)) == {1}


def test_pro_forms_carry_no_honeypot(client):
    from tests.www.structures.factories import login, world

    w = world()
    login(client, w.alice)
    html = client.get(reverse("structures:site_create", args=[w.a.pk])).content.decode()
    assert 'name="form_token"' in html and 'name="homepage"' not in html
