"""Optional ProConnect login, against a local fake OpenID Connect provider."""

import html
import urllib.parse

import pytest
from django.urls import reverse

from spro.accounts import proconnect
from tests.accounts import factories
from tests.accounts.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider, new_key

pytestmark = pytest.mark.django_db

FAILED = "La connexion avec ProConnect n'a pas abouti."


@pytest.fixture(scope="module")
def provider():
    with FakeProvider() as running:
        yield running


@pytest.fixture
def enabled(settings, provider):
    settings.SPRO_PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.SPRO_PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.SPRO_PROCONNECT_ISSUER = provider.issuer
    proconnect.clear_cache()
    provider.signing_key = provider.key
    yield provider
    proconnect.clear_cache()


def text(response) -> str:
    return html.unescape(response.content.decode())


def start(client) -> str:
    response = client.get(reverse("accounts:proconnect_login"))
    assert response.status_code == 302
    return response.url


def callback(client, query: dict):
    return client.get(reverse("accounts:proconnect_callback"), query, follow=True)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_is_off_without_configuration(client):
    assert "Se connecter avec ProConnect" not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(reverse("accounts:proconnect_login")).status_code == 404
    assert client.get(reverse("accounts:proconnect_callback")).status_code == 404


def test_the_login_page_offers_proconnect_when_configured(client, enabled):
    assert "Se connecter avec ProConnect" in client.get(reverse("accounts:login")).content.decode()


def test_it_sends_the_person_to_the_provider_with_state_and_nonce(client, enabled):
    url = start(client)
    parts = urllib.parse.urlsplit(url)
    params = dict(urllib.parse.parse_qsl(parts.query))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{enabled.issuer}/authorize"
    assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
    assert params["redirect_uri"] == "http://testserver/comptes/connexion/proconnect/retour/"
    assert "openid" in params["scope"] and "email" in params["scope"]
    assert len(params["state"]) > 30 and len(params["nonce"]) > 30


def test_it_logs_in_an_existing_member_by_email(client, enabled):
    person = factories.user("camille.martin@structure.test")
    query = enabled.authorize(start(client), email="Camille.Martin@structure.test")
    response = callback(client, query)
    assert response.redirect_chain[-1][0] == reverse("pro:home")
    assert int(client.session["_auth_user_id"]) == person.pk
    assert enabled.token_requests[-1]["client_secret"] == CLIENT_SECRET


def test_it_refuses_an_unknown_email_in_french(client, enabled):
    query = enabled.authorize(start(client), email="inconnu@administration.test")
    response = callback(client, query)
    assert "Aucun compte actif ne correspond à l'adresse transmise par ProConnect" in text(response)
    assert not logged_in(client)


def test_it_refuses_an_inactive_account(client, enabled):
    factories.user("ancien@structure.test", is_active=False)
    callback(client, enabled.authorize(start(client), email="ancien@structure.test"))
    assert not logged_in(client)


def test_it_refuses_a_forged_state(client, enabled):
    factories.user("camille.martin@structure.test")
    query = enabled.authorize(start(client), email="camille.martin@structure.test")
    response = callback(client, {**query, "state": "forged"})
    assert FAILED in text(response)
    assert not logged_in(client)


def test_it_refuses_a_callback_without_a_started_flow(client, enabled):
    response = callback(client, {"code": "x", "state": "y"})
    assert FAILED in text(response)


def test_it_refuses_an_id_token_signed_with_another_key(client, enabled):
    factories.user("camille.martin@structure.test")
    query = enabled.authorize(start(client), email="camille.martin@structure.test")
    enabled.signing_key = new_key()
    assert FAILED in text(callback(client, query))
    assert not logged_in(client)


@pytest.mark.parametrize(
    "override",
    [{"nonce": "replayed"}, {"aud": "another-client"}, {"iss": "http://127.0.0.1:1"}, {"exp": 1_000_000_000}],
    ids=["nonce", "audience", "issuer", "expired"],
)
def test_it_refuses_an_id_token_with_a_wrong_claim(client, enabled, override):
    factories.user("camille.martin@structure.test")
    query = enabled.authorize(start(client), email="camille.martin@structure.test")
    enabled.codes[query["code"]]["id_token_overrides"] = override
    assert FAILED in text(callback(client, query))
    assert not logged_in(client)


def test_a_code_is_exchanged_only_once(client, enabled):
    factories.user("camille.martin@structure.test")
    url = start(client)
    query = enabled.authorize(url, email="camille.martin@structure.test")
    callback(client, query)
    client.post(reverse("accounts:logout"))
    start(client)
    assert FAILED in text(callback(client, query))  # state consumed, and the provider refuses the code


def test_region_staff_still_give_their_second_factor(client, enabled):
    person = factories.region_instructor()
    device = factories.totp_device(person)
    query = enabled.authorize(start(client), email=person.email)
    response = callback(client, query)
    assert response.redirect_chain[-1][0] == reverse("accounts:second_factor")
    assert not logged_in(client)
    client.post(reverse("accounts:second_factor"), {"code": factories.current_code(device)})
    assert logged_in(client)
    assert "proconnect_id_token" in client.session


def test_logout_also_ends_the_provider_session(client, enabled):
    factories.user("camille.martin@structure.test")
    callback(client, enabled.authorize(start(client), email="camille.martin@structure.test"))
    id_token = client.session["proconnect_id_token"]
    response = client.post(reverse("accounts:logout"))
    parts = urllib.parse.urlsplit(response.url)
    params = dict(urllib.parse.parse_qsl(parts.query))
    assert response.url.startswith(f"{enabled.issuer}/session/end?")
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == "http://testserver/"
    assert not logged_in(client)


def test_the_provider_being_down_gives_a_french_message(client, settings):
    settings.SPRO_PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.SPRO_PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.SPRO_PROCONNECT_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    proconnect.clear_cache()
    response = client.get(reverse("accounts:proconnect_login"), follow=True)
    assert FAILED in text(response)
