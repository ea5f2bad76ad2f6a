"""The directory in a browser: "autour de moi" with the browser's position, the map of the results."""

import pytest

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser
TOULOUSE = {"latitude": 43.6045, "longitude": 1.4440}


@pytest.fixture
def located(browser, server_url):
    """A visitor whose browser shares its position (the Capitole, Toulouse)."""
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", geolocation=TOULOUSE, permissions=["geolocation"]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Visit(page, server_url)
    context.close()


def test_autour_de_moi_searches_around_the_browser_position(located):
    located.goto("/annuaire/")
    page = located.page
    button = page.get_by_role("button", name="Autour de moi")
    assert button.is_visible()
    button.click()
    page.wait_for_url("**/annuaire/?*lat=43.6045*")
    assert "lon=1.444" in page.url
    heading = page.locator("#titre-resultats").inner_text()
    assert "de votre position" in heading
    assert page.locator(".spro-result").count() > 0
    assert located.console_errors == [] and located.external_requests == []


def test_the_map_shows_one_marker_per_listed_site(visit):
    visit.goto("/annuaire/?commune=31555&rayon=20")
    page = visit.page
    listed = page.locator(".spro-result").count()
    assert listed > 0
    page.locator("#carte-lieux .leaflet-marker-icon").first.wait_for()
    assert page.locator("#carte-lieux .leaflet-marker-icon").count() == listed
    assert visit.console_errors == [] and visit.external_requests == []


def test_typing_a_commune_after_autour_de_moi_searches_that_commune(located):
    located.goto("/annuaire/?lat=43.6045&lon=1.444&rayon=20")
    page = located.page
    page.get_by_label("Commune ou code postal").fill("Albi")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state("networkidle")
    assert "d'Albi" in page.locator("#titre-resultats").inner_text()
