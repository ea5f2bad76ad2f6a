"""Asking to be contacted by a site: only then a name and a phone or email, with explicit consent.

The person's answers to the questions come from their browser (the signed answers cookie), never from
the address of the page.
"""

import pytest
from django.apps import apps
from django.test import Client

from spro.referrals import contact
from tests.forms import post_form
from tests.routing.factories import site

pytestmark = pytest.mark.django_db


def row_counts() -> dict:
    # The rate-limit counters are the guard's bookkeeping, not something the person stored.
    skip = {"core.RateCounter", "core.UsedFormToken"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label not in skip}


@pytest.fixture
def place():
    return site("mission-locale", needs=["trouver-un-emploi"], offset_km=1)


def url(place) -> str:
    return f"/trouver-mon-interlocuteur/contact/{place.pk}/"


@pytest.fixture
def client(client):
    """A visitor who answered the questions first (the answers are kept by the browser)."""
    answers = {"age": 20, "statut": "sans-activite", "besoin": "trouver-emploi"}
    assert client.post("/trouver-mon-interlocuteur/reponse/", answers).status_code == 303
    return client


def test_the_form_asks_a_name_a_phone_or_email_and_consent(client, place):
    html = client.get(url(place)).content.decode()
    assert f"Être recontacté par {place.name}" in html
    for name in ("name", "phone", "email", "consent"):
        assert f'for="id_{name}"' in html
    assert "J&#x27;accepte que mon nom, mes coordonnées et les réponses que j&#x27;ai données" in html
    assert "effacées au plus tard 90 jours" in html


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"name": "Camille", "phone": "0612345678"},
            "Cochez la case pour accepter que le lieu vous recontacte.",
        ),
        (
            {"name": "Camille", "consent": "on"},
            "Indiquez un numéro de téléphone ou une adresse électronique.",
        ),
        ({"name": "Camille", "phone": "abc", "consent": "on"}, "Saisissez un numéro de téléphone valide"),
        ({"phone": "0612345678", "consent": "on"}, "Ce champ est obligatoire."),
    ],
)
def test_an_incomplete_request_is_refused_in_french_and_nothing_is_stored(client, place, data, message):
    before = row_counts()
    response = post_form(client, url(place), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == before


def test_an_inactive_or_unknown_site_cannot_be_asked(client):
    closed = site("mission-locale", is_active=False)
    assert client.get(f"/trouver-mon-interlocuteur/contact/{closed.pk}/").status_code == 404
    assert client.get("/trouver-mon-interlocuteur/contact/999999/").status_code == 404


def test_a_complete_request_records_the_consent_through_the_referrals_app(client, place):
    response = post_form(
        client, url(place), {"name": "Camille", "email": "camille@example.org", "consent": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/trouver-mon-interlocuteur/contact/{place.pk}/envoye/"
    request = contact.ContactRequest.objects.get()
    assert request.site == place
    assert "J'accepte que mon nom" in request.consent_text
    assert request.situation == {"age": 20, "statut": "sans-activite", "besoin": "trouver-emploi"}


def test_the_retention_period_follows_the_setting(client, place, settings):
    settings.SPRO_RETENTION_DAYS = 30
    assert "effacées au plus tard 30 jours" in client.get(url(place)).content.decode()
    post_form(client, url(place), {"name": "Camille", "phone": "06 12 34 56 78", "consent": "on"})
    request = contact.ContactRequest.objects.get()
    assert request.retention_days == 30 and "30 jours" in request.consent_text


def test_answers_put_in_the_address_are_not_recorded(client, place):
    post_form(
        client,
        f"{url(place)}?age=55&statut=retraite&commune=31555",
        {"name": "Camille", "email": "camille@example.org", "consent": "on"},
    )
    request = contact.ContactRequest.objects.get()
    assert request.situation == {"age": 20, "statut": "sans-activite", "besoin": "trouver-emploi"}


def test_a_visitor_of_a_shared_result_sends_no_answers_and_the_consent_says_so(place):
    visitor = Client()
    html = visitor.get(url(place)).content.decode()
    assert "J&#x27;accepte que mon nom et mes coordonnées soient transmis" in html
    assert "Voir la fiche du lieu" in html
    post_form(visitor, url(place), {"name": "Camille", "phone": "06 12 34 56 78", "consent": "on"})
    request = contact.ContactRequest.objects.get()
    assert request.situation == {}
    assert "réponses" not in request.consent_text
