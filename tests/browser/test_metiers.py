"""Métiers by keyboard only: the métier combobox of /metiers/ (ARIA 1.2, the commune combobox's pattern),
a chosen title leading to its fiche, and the fiche's "who to ask near home" form; axe finds nothing."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


def no_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def active_option_text(page, field) -> str:
    option_id = field.get_attribute("aria-activedescendant")
    assert option_id
    return page.locator(f"#{option_id}").inner_text()


def test_a_metier_is_found_and_opened_by_keyboard(visit):
    visit.goto("/metiers/")
    page = visit.page
    field = page.get_by_role("combobox", name="Quel métier vous intéresse ?")
    field.focus()
    page.keyboard.type("boulangere", delay=30)
    page.get_by_role("listbox").wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert "métiers proposés" in page.locator("#recherche-metier-statut").inner_text()
    for _ in range(page.get_by_role("option").count()):
        page.keyboard.press("ArrowDown")
        if active_option_text(page, field).startswith("Boulanger / Boulangère (D1102"):
            break
    page.keyboard.press("Enter")  # chooses the option
    assert field.input_value() == "Boulanger / Boulangère (D1102)"
    assert page.locator('input[type="hidden"][name="q"]').input_value() == "D1102"
    no_violations(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the search: straight to the fiche
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/metiers/D1102/")
    assert page.get_by_role("heading", level=1).inner_text() == "Boulanger / Boulangère"
    assert visit.console_errors == [] and visit.external_requests == []


def test_a_typed_search_lists_results_and_says_the_correction(visit):
    visit.goto("/metiers/")
    page = visit.page
    page.get_by_role("combobox", name="Quel métier vous intéresse ?").focus()
    page.keyboard.type("boulangr", delay=20)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Nous avons cherché « boulanger »" in page.content()
    assert page.get_by_role("link", name="Boulanger / Boulangère", exact=True).count() == 1
    no_violations(page)


def test_the_metier_page_answers_who_to_ask_near_home_by_keyboard(visit):
    visit.goto("/metiers/D1102/")
    page = visit.page
    no_violations(page)
    page.get_by_label("Que voulez-vous faire pour ce métier ?").focus()
    page.keyboard.type("Trouver un apprentissage")  # a select's type-ahead
    assert page.get_by_label("Que voulez-vous faire pour ce métier ?").input_value() == "apprentissage"
    commune = page.get_by_role("combobox", name="Votre commune ou votre code postal")
    commune.focus()
    page.keyboard.type("toulouse", delay=30)
    page.get_by_role("listbox").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    heading = page.locator("#reponse h3").first.inner_text()
    assert heading.startswith("Adressez-vous à : Chambre de métiers")
    no_violations(page)
    assert visit.console_errors == [] and visit.external_requests == []
