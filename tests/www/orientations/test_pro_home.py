"""The professional home shows counts and links of orientations."""

import pytest

from tests.referrals.factories import contact_request, login, referral

pytestmark = pytest.mark.django_db


def test_it_shows_the_counts_for_a_member(client, w):
    referral(w)
    contact_request(w.site_b)
    login(client, w.bob)
    html = client.get("/espace-pro/").content.decode()
    assert "1 orientation reçue en attente de réponse" in html
    assert "1 demande de contact à traiter" in html
    assert "/espace-pro/orientations/nouvelle/" in html


def test_it_links_the_region_pages_for_region_staff(client, w):
    login(client, w.iris)
    html = client.get("/espace-pro/").content.decode()
    assert "/region/orientations/" in html and "/region/orientations/journal-des-acces/" not in html
    login(client, w.remi)
    html = client.get("/espace-pro/").content.decode()
    assert "/region/orientations/journal-des-acces/" in html
