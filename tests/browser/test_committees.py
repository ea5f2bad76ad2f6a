"""The instructor's path through a committee session, in a real browser: from the list of sessions to
the demo session, an opinion recorded with the keyboard alone, the minutes PDF; axe finds no violation
on the pages visited."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in
from tests.browser.test_axe_all_pages import AXE_OPTIONS

pytestmark = pytest.mark.browser


def axe_violations(visit) -> list:
    violations = Axe().run(visit.page, options=AXE_OPTIONS).response["violations"]
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]


def test_the_instructor_records_an_opinion_with_the_keyboard(visit):
    page = visit.page
    log_in(visit, "instructeur@region.demo")
    visit.goto("/region/comites/")
    assert page.locator("h1").inner_text() == "Séances des instances"
    assert axe_violations(visit) == []
    page.get_by_role("link", name=re.compile(r"séance COPIL SPRO")).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Séance COPIL SPRO du ")
    assert axe_violations(visit) == []

    # The demo's completed dossier awaits the session's opinion.
    card = page.locator("section.fr-card", has=page.locator("form")).first
    structure = card.locator("h3").inner_text().split(". ", 1)[1]
    card.get_by_role("link", name=re.compile("Instruire le dossier")).focus()
    page.keyboard.press("Tab")  # the first choice of the opinion
    page.keyboard.press("ArrowDown")  # « Avis défavorable »
    page.keyboard.press("ArrowUp")  # back to « Avis favorable »
    assert card.get_by_label("Avis favorable").is_checked()
    page.keyboard.press("Tab")  # the reasoning
    page.keyboard.type("Dossier complet ; partenariats avec les opérateurs CEP établis.")
    page.keyboard.press("Tab")  # the button
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("Enregistrer l'avis")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert re.search(r"#dossier-\d+$", page.url)
    assert f"Avis favorable enregistré pour « {structure} »." in page.locator("main").inner_text()
    recorded = page.locator("section.fr-card", has_text=structure)
    assert "Dossier complet ; partenariats avec les opérateurs CEP établis." in recorded.inner_text()
    assert recorded.locator("form").count() == 0
    assert axe_violations(visit) == [], json.dumps(axe_violations(visit), ensure_ascii=False)
    assert visit.console_errors == []
    assert visit.external_requests == []

    pdf = page.get_by_role("link", name=re.compile("Télécharger le procès-verbal")).get_attribute("href")
    answer = page.request.get(visit.base_url + pdf)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
