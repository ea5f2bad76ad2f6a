"""/lieux/<id>/: a site's page."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.directory import factories as f

pytestmark = pytest.mark.django_db
WEDNESDAY_10H = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def get(client, site) -> str:
    """The page as a person reads it (entities decoded)."""
    response = client.get(reverse("annuaire:site", args=[site.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@time_machine.travel(WEDNESDAY_10H, tick=False)
def test_it_shows_the_week_hours_with_today_highlighted_and_the_opening_state(client):
    site = f.site("CIO de Toulouse", opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00")
    content = get(client, site)
    assert "<h1>CIO de Toulouse</h1>" in content
    assert "Ouvert maintenant, ferme à 12 h" in content
    assert '<tr class="spro-today">' in content
    assert "Mercredi 25 novembre (aujourd'hui)" in content
    assert "9 h – 12 h, 14 h – 17 h" in content
    assert "Dimanche 29 novembre" in content


def test_it_shows_address_itinerary_contacts_services_accessibility_and_network(client):
    site = f.site(
        "Mission Locale",
        network_code="mission-locale",
        accessibility=["pmr", "boucle-magnetique"],
        services=[
            {
                "name": "Accompagnement",
                "needs": ["trouver-un-emploi"],
                "publics": ["jeunes-16-25"],
                "access_modes": ["sur-rendez-vous"],
                "appointment_url": "https://rdv.example.org/ml",
                "is_free": True,
            }
        ],
    )
    content = get(client, site)
    assert "1 rue de la République" in content and "31000 Toulouse" in content
    assert "https://www.openstreetmap.org/directions?route=%3B" in content
    assert 'href="tel:0561000000"' in content and "mailto:accueil@example.org" in content
    assert "Accompagnement" in content and "Trouver un emploi" in content
    assert "Jeunes de 16 à 25 ans" in content
    assert "Sur rendez-vous" in content and "Gratuit" in content
    assert 'href="https://rdv.example.org/ml"' in content
    assert "Accessible aux personnes à mobilité réduite" in content and "Boucle magnétique" in content
    assert "Mission Locale" in content and "membre de droit" in content
    assert "Informations mises à jour le" in content


def test_unknown_hours_are_said_plainly(client):
    content = get(client, f.site("Lieu", opening_hours=""))
    assert "Horaires non renseignés" in content


def test_a_demo_site_says_it_is_fictitious(client):
    demo = f.structure("cio", name="CIO fictif", is_demo=True)
    content = get(client, f.site("Lieu fictif", structure_obj=demo))
    assert "Données de démonstration : ce lieu est fictif." in content


def test_an_unknown_or_inactive_site_is_a_french_404(client):
    inactive = f.site("Fermé", is_active=False)
    for url in (reverse("annuaire:site", args=[inactive.pk]), "/lieux/987654/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()
