"""The Région's coverage page in a browser: the Région's administrator opens it from the demo data (the
coverage computed by `spro load-demo`), changes the network and the distance (Enter submits); axe finds no
violation."""

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
