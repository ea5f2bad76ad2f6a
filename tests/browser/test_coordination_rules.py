"""The Région's rules of local coordination by keyboard, with axe on each state: the Région's
administrator opens /region/territoires/, reads the grid shown read-only (the demo Région has
territories), sends the rules with the vote's length emptied (the error summary takes the focus), then
sends them again as they were (nothing changes: the demo data stay as other tests expect them)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


def no_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def send_rules(page):
    page.get_by_role("button", name="Enregistrer les règles").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_the_region_edits_its_coordination_rules_by_keyboard(visit):
    page = visit.page
    log_in(visit, "admin@region.demo")
    visit.goto("/region/territoires/")
    assert page.get_by_role("heading", level=1).inner_text() == "Coordination locale"
    assert "Il ne peut plus changer : la Région a déjà des territoires" in page.locator("body").inner_text()
    assert page.locator("select[name=grid]").count() == 0
    no_violations(page)
    days = page.get_by_label("durée du vote de désignation (jours)", exact=False)
    kept = days.input_value()
    days.fill("")
    send_rules(page)
    assert page.title().startswith("Erreur")
    assert page.evaluate("document.activeElement.hasAttribute('data-spro-error-summary')")
    assert (
        page.get_by_label("durée du vote de désignation (jours)", exact=False).get_attribute("aria-invalid")
        == "true"
    )
    no_violations(page)
    page.get_by_label("durée du vote de désignation (jours)", exact=False).fill(kept)
    send_rules(page)
    assert "Les règles de la coordination locale sont enregistrées" in page.locator("body").inner_text()
    no_violations(page)
