"""Lists of received and sent referrals and of contact requests: each structure sees only its own."""

import pytest

from tests.referrals.factories import contact_request, login, referral

pytestmark = pytest.mark.django_db

PAGES = [
    "/espace-pro/orientations/",
    "/espace-pro/orientations/envoyees/",
    "/espace-pro/orientations/demandes-de-contact/",
]


@pytest.fixture
def records(w):
    return {"referral": referral(w), "contact": contact_request(w.site_b)}


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_people_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/comptes/connexion/")


@pytest.mark.parametrize("url", PAGES)
def test_it_refuses_people_without_a_structure(client, w, url):
    login(client, w.iris)
    assert client.get(url).status_code == 403


def test_the_receiving_structure_sees_the_referral_in_its_received_list(client, w, records):
    login(client, w.bob)
    html = client.get(PAGES[0]).content.decode()
    assert f"Orientation n° {records['referral'].pk}" in html
    assert "Camille" not in html  # lists never show the person


def test_the_sending_structure_sees_it_in_its_sent_list_only(client, w, records):
    login(client, w.alice)
    assert f"Orientation n° {records['referral'].pk}" in client.get(PAGES[1]).content.decode()
    assert f"Orientation n° {records['referral'].pk}" not in client.get(PAGES[0]).content.decode()


def test_a_third_structure_sees_nothing(client, w, records):
    login(client, w.carole)
    for url in PAGES:
        html = client.get(url).content.decode()
        assert f"n° {records['referral'].pk}<" not in html
        assert f"Demande n° {records['contact'].pk}" not in html


def test_contact_requests_are_listed_for_the_sites_structure(client, w, records):
    login(client, w.bob)
    html = client.get(PAGES[2]).content.decode()
    assert f"Demande n° {records['contact'].pk}" in html
    assert "Dominique" not in html


def test_it_filters_by_state(client, w, records):
    login(client, w.bob)
    assert (
        f"Orientation n° {records['referral'].pk}" in client.get(PAGES[0] + "?etat=envoyee").content.decode()
    )
    assert (
        f"Orientation n° {records['referral'].pk}"
        not in client.get(PAGES[0] + "?etat=acceptee").content.decode()
    )
