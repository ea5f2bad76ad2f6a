"""The Région's administrator follows the SPRO's members in a real browser: the dashboard, the list
filtered with the keyboard alone, the charter signatures and the annual reports, each without an axe
violation (WCAG 2.2 AA), and a table downloaded from its export link."""

import csv
import io
import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in
from tests.browser.test_axe_all_pages import AXE_OPTIONS

pytestmark = pytest.mark.browser


def assert_no_axe_violation(visit):
    violations = Axe().run(visit.page, options=AXE_OPTIONS).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in violations]
    assert not violations, f"{visit.page.url}: {json.dumps(summary, ensure_ascii=False)}"
    assert visit.page.locator("h1").count() == 1
    assert visit.console_errors == []


def choose_by_keyboard(page, select_id: str, value: str):
    """Focus the list with Tab-reachable focus, then move through its options with the arrow keys."""
    page.focus(f"#{select_id}")
    for _ in range(60):
        if page.eval_on_selector(f"#{select_id}", "e => e.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} introuvable dans #{select_id}")


def test_the_region_follows_its_members_and_filters_them_by_keyboard(visit):
    log_in(visit, "admin@region.demo")
    page = visit.page

    response = visit.goto("/region/membres/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Membres du SPRO"
    assert_no_axe_violation(visit)
    statuses = page.locator("#tableau-statuts tbody tr")
    assert statuses.count() == 4
    by_law_row = page.locator("#tableau-statuts tbody tr", has_text="Membre de droit")
    by_law = int(by_law_row.locator("td").inner_text())
    assert by_law > 0

    link = page.locator("a[href*='export_statuts=csv']")
    download = page.request.get(visit.base_url + link.get_attribute("href"))
    rows = list(csv.reader(io.StringIO(download.text().lstrip("\ufeff"))))
    assert rows[0] == ["Statut SPRO", "Structures"]
    assert ["Membre de droit", str(by_law)] in rows

    page.get_by_role("link", name="Liste des membres").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/region/membres/liste/")
    assert_no_axe_violation(visit)

    choose_by_keyboard(page, "filtre-statut", "membre-de-droit")
    for _ in range(10):  # Tab to the « Filtrer » button, then Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Filtrer":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Filtrer"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "statut=membre-de-droit" in page.url
    count = page.locator("#nombre-membres").inner_text()
    assert count.startswith(f"{by_law} structure")
    cells = page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert cells and set(cells) == {"Membre de droit"}
    assert_no_axe_violation(visit)

    for path in ("/region/membres/chartes/", "/region/membres/bilans/"):
        assert visit.goto(path).status == 200
        assert_no_axe_violation(visit)
    assert visit.external_requests == []
