"""A first-door adviser records a reception by keyboard alone, in one screen, and gets the empty form
back with the status "Accueil enregistré"; the form and the indicators pages pass axe."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in
from tests.browser.test_axe_all_pages import AXE_OPTIONS

pytestmark = pytest.mark.browser
NEW = "/espace-pro/activite/nouveau/"


def tab_to(page, name: str):
    """Press Tab until the focus is on the field named `name` (a date field has several stops)."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name || document.activeElement.id") == name:
            return
    raise AssertionError(f"Tab n'atteint pas le champ {name}")


def no_axe_violation(visit, path):
    response = visit.goto(path)
    assert response.status == 200, f"{path} → {response.status}"
    violations = Axe().run(visit.page, options=AXE_OPTIONS).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in violations]
    assert not violations, f"{path}: {json.dumps(summary, ensure_ascii=False)}"
    assert visit.console_errors == []
    assert visit.page.locator("h1").count() == 1


def test_a_reception_is_recorded_by_keyboard_alone(visit):
    log_in(visit, "structure@structure.demo")
    visit.goto(NEW)
    page = visit.page
    assert page.evaluate("document.activeElement.name") == "date"  # today by default, focus is there
    tab_to(page, "site")  # the first site by default
    tab_to(page, "mode")
    page.keyboard.type("Sur")
    tab_to(page, "sexe")
    page.keyboard.type("F")
    tab_to(page, "age_band")
    page.keyboard.type("18")
    tab_to(page, "statut")
    page.keyboard.type("Dem")
    tab_to(page, "id_commune")
    page.keyboard.type("toulouse", delay=30)
    page.get_by_role("listbox").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chooses the suggestion, does not submit
    assert page.locator("#id_commune").input_value() == "Toulouse (31)"
    tab_to(page, "need")
    page.keyboard.type("Trouver une f")
    tab_to(page, "answer")
    page.keyboard.type("Con")
    tab_to(page, "minutes")
    page.keyboard.type("10")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert NEW in page.url  # the same structure (?structure=… when the person has several)
    assert page.get_by_role("status").filter(has_text="Accueil enregistré.").count() == 1
    assert page.locator("select[name=sexe]").input_value() == ""  # empty again for the next person
    assert page.evaluate("document.activeElement.name") == "date"

    visit.goto("/espace-pro/activite/")
    first = page.locator("main table tbody tr").first.inner_text()
    for text in ("Sur place", "Femme", "18 à 25 ans", "Demandeur d'emploi", "Trouver une formation",
                 "Conseil", "Toulouse"):  # fmt: skip
        assert text in first, first


def test_the_form_and_the_indicators_pages_have_no_axe_violation(visit):
    log_in(visit, "structure@structure.demo")
    for path in (NEW, "/espace-pro/activite/", "/espace-pro/activite/indicateurs/"):
        no_axe_violation(visit, path)


def test_the_region_indicators_page_has_no_axe_violation(visit):
    log_in(visit, "admin@region.demo")
    no_axe_violation(visit, "/region/activite/")


def test_each_indicator_table_has_its_chart_named_and_written_in_text(visit):
    """The Région's page filtered on a département of the demo: one SVG bar chart before each table,
    an image named by its title and summary, its values written (no information by colour alone)."""
    log_in(visit, "admin@region.demo")
    visit.goto("/region/activite/")
    page = visit.page
    departement = page.locator("select[name=departement] option").nth(1).get_attribute("value")
    no_axe_violation(visit, f"/region/activite/?departement={departement}")
    assert page.locator("select[name=departement]").input_value() == departement
    sections = page.locator("main section:has(table)")
    charts = page.locator("main section:has(table) svg[role=img]")
    assert sections.count() >= 9 and charts.count() == sections.count()
    names = charts.evaluate_all(
        """svgs => svgs.map(svg => svg.getAttribute('aria-labelledby').split(' ')
            .map(id => document.getElementById(id).textContent.trim()).join(' '))"""
    )
    assert all(name.startswith("Par ") or name.startswith("Personnes") or name.startswith("Orientations")
               for name in names), names  # fmt: skip
    # Every bar of every chart has its value written beside it, as text.
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("g").count() == chart.locator("g text").count() / 2
    assert page.get_by_text("Part des personnes orientées vers un réseau (deuxième porte)").count() == 1


def test_on_a_phone_the_charts_scroll_sideways_and_are_reached_by_keyboard(visit):
    """At 320 px a chart keeps a readable size: its box fits the screen and scrolls sideways, and
    takes a tab stop so that the arrow keys scroll it, like a wide table."""
    log_in(visit, "structure@structure.demo")
    visit.page.set_viewport_size({"width": 320, "height": 640})
    no_axe_violation(visit, "/espace-pro/activite/indicateurs/")
    page = visit.page
    page.wait_for_load_state("load")
    boxes = page.locator(".spro-chart__scroll")
    assert boxes.count() >= 9
    assert boxes.evaluate_all("boxes => boxes.every(b => b.getAttribute('tabindex') === '0')")
    # The boxes fit the screen, their charts scroll inside them.
    assert boxes.evaluate_all(
        "boxes => boxes.every(b => b.getBoundingClientRect().right <= 320 && b.scrollWidth > b.clientWidth)"
    )
