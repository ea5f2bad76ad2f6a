"""The Région's coverage page in a browser: the Région's administrator opens it from the demo data (the
coverage computed by `spro setup-demo`), reads the map of white zones and its legend, changes the network
and the distance by keyboard alone (Enter submits) and the map follows; axe finds no violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in
from tests.browser.test_axe_all_pages import AXE_OPTIONS

pytestmark = pytest.mark.browser


def test_the_region_reads_the_coverage_and_its_white_zones(visit):
    log_in(visit, "admin@region.demo")
    page = visit.page
    visit.goto("/region/couverture/")
    assert page.locator("h1").inner_text() == "Couverture territoriale du SPRO"
    assert page.locator("caption", has_text="Population couverte par département").count() == 1
    assert "Zones blanches" in page.content()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == [], results.generate_report()

    page.select_option("select[name=reseau]", "mission-locale")
    page.fill("input[name=distance]", "10")
    with page.expect_navigation():
        page.locator("input[name=distance]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "à moins de 10 km" in page.content()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == [], results.generate_report()

    page.fill("input[name=distance]", "-4")
    with page.expect_navigation():
        page.locator("input[name=distance]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "supérieure à 0 km" in page.content()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == [], results.generate_report()


def legend_items(page) -> list[str]:
    return [text.strip() for text in page.locator(".spro-coverage-map__legend li").all_inner_texts()]


def test_the_map_of_white_zones_is_named_has_a_legend_and_follows_the_distance_by_keyboard(visit):
    log_in(visit, "admin@region.demo")
    page = visit.page
    visit.goto("/region/couverture/")
    the_map = page.get_by_role("img", name="Carte des zones blanches de la région Occitanie, à 20 km")
    assert the_map.is_visible()
    box = the_map.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    # Every commune of the Région is drawn, in one of the three classes, each with its pattern.
    assert page.locator("svg path.carte-blanche").count() == 1
    legend = legend_items(page)
    assert legend[0].startswith("À moins de 10 km d'un lieu d'accueil : ")
    assert legend[2].startswith("Zone blanche : à plus de 20 km (hachures) : ")
    assert "Lieu d'accueil" in legend
    # The table of white zones stands beside the map.
    assert page.locator("caption", has_text="Communes à plus de 20 km d'un lieu d'accueil").is_visible()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == [], results.generate_report()

    # Keyboard only: the distance field is reached with Tab from the network list, Enter submits.
    page.locator("select[name=reseau]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the table's level, then the distance
    assert page.evaluate("document.activeElement.name") == "distance"
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    title = "Carte des zones blanches de la région Occitanie, à 5 km"
    assert page.get_by_role("img", name=title).is_visible()
    narrower = legend_items(page)
    assert narrower[2].startswith("Zone blanche : à plus de 5 km (hachures) : ")
    white = lambda items: int(items[2].split(" : ")[2].split(" commune")[0].replace("\u202f", ""))  # noqa: E731
    assert white(narrower) > white(legend)  # a shorter distance leaves more communes out
    # The map is no keyboard trap: Tab goes past it to the next link or button.
    assert page.locator("svg[role=img][focusable=false]").count() == 1
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == [], results.generate_report()
