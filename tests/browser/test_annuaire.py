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
    assert page.locator("ol.spro-results .spro-result").count() > 0
    assert located.console_errors == [] and located.external_requests == []


def test_the_map_shows_one_marker_per_listed_site(visit):
    visit.goto("/annuaire/?commune=31555&rayon=20")
    page = visit.page
    listed = page.locator("ol.spro-results .spro-result").count()
    assert listed > 0
    page.locator("#carte-lieux .leaflet-marker-icon").first.wait_for()
    assert page.locator("#carte-lieux .leaflet-marker-icon").count() == listed
    assert visit.console_errors == [] and visit.external_requests == []


def test_typing_a_commune_after_autour_de_moi_searches_that_commune(located):
    located.goto("/annuaire/?lat=43.6045&lon=1.444&rayon=20")
    page = located.page
    page.get_by_text("Modifier la recherche").click()
    page.get_by_label("Commune ou code postal").fill("Albi")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state("networkidle")
    assert "d'Albi" in page.locator("#titre-resultats").inner_text()


# The search of the review: Albi, 20 km (34 places in the demo directory, two pages).
ALBI = "/annuaire/?commune=Albi&rayon=20"
ALBI_FILTERED = ALBI + "&besoin=trouver-un-emploi&public=jeunes-16-25&mode=sur-place"


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not displayed"
    return found


def markers(page):
    page.locator("#carte-lieux .leaflet-marker-icon").first.wait_for()
    return page.locator("#carte-lieux .leaflet-marker-icon")


def test_at_1280_the_first_result_is_on_the_first_screen_with_the_map_beside_the_list(visit):
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto(ALBI)
    first = box(page.locator("ol.spro-results .spro-result").first)
    assert first["y"] + 60 < 900, f"the first card starts at {first['y']} px"
    summary = page.locator(".spro-search-summary > summary")
    assert summary.inner_text().startswith("Albi, 20 km") and "Modifier la recherche" in summary.inner_text()
    assert not page.get_by_label("Commune ou code postal").is_visible()
    the_map, the_list = box(page.locator("#carte-lieux")), box(page.locator("ol.spro-results"))
    assert the_map["x"] >= the_list["x"] + the_list["width"], "the map is beside the list"
    assert the_map["y"] < 900 and the_map["height"] >= 400
    assert markers(page).count() == page.locator("ol.spro-results .spro-result").count() == 20
    assert page.locator(".fr-pagination").count() == 1
    assert visit.console_errors == [] and visit.external_requests == []


def test_the_map_follows_the_scroll_of_the_list(visit):
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto(ALBI)
    markers(page)
    page.evaluate("document.querySelectorAll('ol.spro-results .spro-result')[10].scrollIntoView()")
    assert page.evaluate("window.scrollY") > 1500
    the_map = box(page.locator("#carte-lieux"))
    assert 0 <= the_map["y"] and the_map["y"] + the_map["height"] <= 900, the_map


def test_a_card_and_its_marker_highlight_each_other_and_the_popup_links_to_both(visit):
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto(ALBI)
    icons = markers(page)
    cards = page.locator("ol.spro-results .spro-result")
    cards.nth(0).hover()
    assert "spro-marker--active" in icons.nth(0).get_attribute("class")
    assert icons.nth(0).inner_text() == cards.nth(0).locator(".spro-result__rank").inner_text() == "1"
    page.mouse.move(5, 5)
    cards.nth(1).locator("h3 a").focus()
    assert "spro-marker--active" in icons.nth(1).get_attribute("class")
    assert "spro-marker--active" not in icons.nth(0).get_attribute("class")
    icons.nth(4).dispatch_event("mouseover")
    assert "spro-result--active" in cards.nth(4).get_attribute("class")
    icons.nth(4).dispatch_event("mouseout")
    assert "spro-result--active" not in cards.nth(4).get_attribute("class")
    icons.nth(4).dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    card_id = cards.nth(4).get_attribute("id")
    site_id = card_id.removeprefix("lieu-")
    assert popup.locator(f'a[href="/lieux/{site_id}/"]').count() == 1
    assert popup.get_by_role("link", name="Voir dans la liste").get_attribute("href") == f"#{card_id}"


def test_the_summary_reopens_the_search_with_its_values(visit):
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto(ALBI_FILTERED)
    page.locator(".spro-search-summary > summary").click()
    commune = page.get_by_label("Commune ou code postal")
    assert commune.is_visible() and commune.input_value() == "Albi (81)"
    assert page.get_by_label("Votre besoin").input_value() == "trouver-un-emploi"
    commune.fill("Toulouse")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state("networkidle")
    assert "de Toulouse" in page.locator("#titre-resultats").inner_text()
    assert "besoin=trouver-un-emploi" in page.url


@pytest.mark.parametrize("path", [ALBI, ALBI_FILTERED])
def test_at_320_px_the_page_does_not_scroll_sideways_and_the_list_comes_first(visit, path):
    page = visit.page
    page.set_viewport_size({"width": 320, "height": 640})
    visit.goto(path)
    markers(page)
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= 320
    page.locator(".spro-search-summary > summary").click()
    assert page.evaluate(width) <= 320, "the opened search fits too"
    first = box(page.locator("ol.spro-results .spro-result").first)
    assert first["x"] >= 0 and first["x"] + first["width"] <= 320
    last, the_map = box(page.locator("ol.spro-results .spro-result").last), box(page.locator("#carte-lieux"))
    assert the_map["y"] > last["y"] + last["height"], "the map comes after the list"
    assert page.get_by_role("link", name="Voir sur la carte").is_visible()


def test_without_javascript_the_results_come_first_and_the_summary_still_opens(browser, server_url):
    context = browser.new_context(
        locale="fr-FR", java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    visit = Visit(page, server_url)
    try:
        visit.goto(ALBI)
        first = box(page.locator("ol.spro-results .spro-result").first)
        assert first["y"] + 60 < 900
        assert first["width"] > 1000, "without a map the list takes the whole width"
        assert not page.locator("#sur-la-carte").is_visible()
        assert not page.get_by_role("link", name="Voir sur la carte").is_visible()
        page.locator(".spro-search-summary > summary").click()
        assert page.get_by_label("Commune ou code postal").is_visible()
        page.get_by_role("link", name="Page suivante").first.click()
        assert "page=2" in page.url and page.locator("ol.spro-results .spro-result").count() == 14
    finally:
        context.close()
