"""The designation of the local coordinator by keyboard, with axe on every page: the demo structure's
administrator finds the open designation on the coordination page, opens the vote, chooses the
candidate structure with the arrow keys and votes; the committee's page confirms it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in, run_in_server_env

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}

RECORDED = """
from spro.network.models import Vote
vote = Vote.objects.filter(cast_by__email="structure@structure.demo").latest("pk")
print(f"{vote.voter.name} -> {vote.candidate.name}")
"""


def no_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def enter(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_an_administrator_votes_for_the_local_coordinator_by_keyboard(visit):
    page = visit.page
    log_in(visit, "structure@structure.demo")
    visit.goto("/espace-pro/territoires/")
    assert page.get_by_role("heading", level=1).inner_text() == "Coordination locale"
    no_violations(page)
    page.locator(".fr-callout").get_by_role("link").first.focus()
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Désignation du coordinateur local")
    no_violations(page)
    voter = page.get_by_label("Vote au nom de la structure")
    voter.focus()
    voting_for = voter.locator("option:checked").inner_text()
    first = page.get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # the second candidate structure
    chosen = page.get_by_role("radio").nth(1)
    assert chosen.is_checked()
    candidate = page.locator(f"label[for='{chosen.get_attribute('id')}']").inner_text().strip()
    page.get_by_role("button", name="Voter").focus()
    enter(page)
    assert "Le vote de votre structure est enregistré" in page.locator("body").inner_text()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Comité de coordination locale")
    no_violations(page)
    # The vote is recorded for that structure, for the candidate chosen with the keyboard.
    recorded = run_in_server_env("shell", "-c", RECORDED).strip().splitlines()[-1]
    assert recorded == f"{voting_for} -> {candidate}"
