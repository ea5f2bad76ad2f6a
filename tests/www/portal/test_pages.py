"""The portal's pages: DSFR layout in French with the Région's name and colours."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, title",
    [
        ("/", "Trouver le bon interlocuteur pour votre orientation"),
        ("/accessibilite/", "Déclaration d'accessibilité"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/mentions-legales/", "Mentions légales"),
    ],
)
def test_each_page_has_the_layout_header_footer_and_its_title(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "dsfr.min.css" in html
    assert 'class="fr-header"' in html and 'class="fr-footer' in html
    assert title in html
    assert "Orientation Occitanie" in html
    assert "République française" not in html  # the State's brand block is not the Région's


def test_the_region_name_and_colours_are_configurable(client):
    with override_settings(SPRO_REGION_NAME="Bretagne", SPRO_PRIMARY_COLOR="#123456"):
        html = client.get("/").content.decode()
    assert "Orientation Bretagne" in html
    assert "--blue-france-sun-113-625: #123456" in html


def test_the_region_name_comes_from_the_referential(client):
    with override_settings(SPRO_REGION="52", SPRO_REGION_NAME=""):
        assert "Orientation Pays de la Loire" in client.get("/").content.decode()


def test_the_accessibility_statement_gives_the_rgaa_status_and_a_contact(client):
    html = client.get("/accessibilite/").content.decode()
    assert "RGAA" in html
    assert "contact-spro@region.localhost" in html


def test_pages_are_protected_by_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_unknown_api_address_is_a_json_404_in_french(client):
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Ressource introuvable")


def test_the_privacy_page_states_the_retention_period_applied(client):
    with override_settings(SPRO_RETENTION_DAYS=45):
        html = client.get("/donnees-personnelles/").content.decode()
    assert "45 jours au plus après votre demande" in html
    assert "45 jours après la clôture de l'orientation" in html
    assert "droit d'accès" in html


def test_the_footer_leads_to_a_french_page_about_the_api(client):
    footer = client.get("/").content.decode().split('id="pied-de-page"')[1]
    assert '<a class="fr-footer__bottom-link" href="/api/">API ouverte</a>' in footer
    html = client.get("/api/").content.decode()
    assert '<html lang="fr"' in html and '<main id="contenu"' in html
    assert "<h1>API ouverte de l'annuaire</h1>" in html
    assert 'href="/api/v1/docs"' in html and 'href="/api/v1/openapi.json"' in html
    assert "Licence Ouverte 2.0" in html


def test_the_api_page_lists_every_operation_of_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    html = client.get("/api/").content.decode()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert f"<code>{method.upper()} {path}</code>" in html
            assert operation["summary"].replace("'", "&#x27;") in html


def test_the_interactive_api_documentation_is_in_french_with_a_main_landmark(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '<html lang="fr">' in html
    assert "<main>" in html and 'id="swagger-ui"' in html
    assert 'href="/api/">Retour à la présentation de l' in html and "API ouverte</a>" in html
