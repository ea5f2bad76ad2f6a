"""A structure's administrator edits a site in a real browser: every page of the pro space passes axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_orientations import log_in

pytestmark = pytest.mark.browser


def test_an_administrator_edits_a_site_with_the_hours_preview(visit):
    log_in(visit, "structure@structure.demo")
    assert_accessible(visit, "/espace-pro/structures/")
    page = visit.page
    page.locator("main a[href^='/espace-pro/structures/']").first.click()
    page.wait_for_load_state("networkidle")
    structure_path = page.url.removeprefix(visit.base_url)
    assert re.fullmatch(r"/espace-pro/structures/\d+/", structure_path)
    for suffix in ("", "modifier/", "historique/", "membres/", "lieux/nouveau/"):
        assert_accessible(visit, structure_path + suffix)
    visit.goto(structure_path)
    page.locator("a[href$='/modifier/'][href*='/lieux/']").first.click()
    page.wait_for_load_state("networkidle")
    assert_accessible(visit, page.url.removeprefix(visit.base_url))
    page.locator("input[name=postal_code]").fill("31700")
    page.wait_for_selector("#communes-code-postal:has-text('Blagnac')")
    page.locator("input[name=postal_code]").fill("31000")
    page.wait_for_selector("#communes-code-postal:has-text('Toulouse')")
    page.locator("input[name=commune_name]").fill("Toulouse")
    page.locator("summary", has_text="Saisie experte (format OpenStreetMap)").click()
    hours = page.locator("[name=opening_hours], input[name=opening_hours]")
    hours.fill("Mo-Fr 09:00-12:00")
    page.wait_for_selector("#apercu-horaires:has-text('du lundi au vendredi')")
    hours.fill("lundi matin")
    page.wait_for_selector("#apercu-horaires:has-text('pas au format attendu')")
    hours.fill("Mo-Fr 09:00-12:00,14:00-17:00")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    assert "Le lieu a été mis à jour." in page.content()
    assert visit.external_requests == []


def type_time(page, value: str):
    """Type a time into the focused time input, as a person does: hours, minutes, then the AM/PM
    letter that a 12-hour picker asks for (the browser's own language decides; 24-hour pickers ignore it)."""
    hours, minutes = (int(part) for part in value.split(":"))
    page.keyboard.type(f"{hours % 12 or 12:02d}{minutes:02d}{'P' if hours >= 12 else 'A'}")


def tab_out_of(page, name: str):
    """Tab past the segments of a time input (hours, minutes) to the next field."""
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") != name:
            return


def first_site_edit_path(visit) -> str:
    visit.goto("/espace-pro/structures/")
    page = visit.page
    page.locator("main a[href^='/espace-pro/structures/']").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("a[href$='/modifier/'][href*='/lieux/']").first.click()
    page.wait_for_load_state("networkidle")
    return page.url.removeprefix(visit.base_url)


def test_an_adviser_fills_the_french_hours_editor_by_keyboard_and_reads_the_preview_beside_it(visit):
    log_in(visit, "structure@structure.demo")
    path = first_site_edit_path(visit)
    assert_accessible(visit, path)
    page = visit.page
    closed = page.get_by_role("checkbox", name="Samedi : Fermé")
    closed.focus()
    if closed.is_checked():
        page.keyboard.press("Space")
    page.get_by_label("Samedi, Matin, ouverture").focus()
    type_time(page, "09:00")
    tab_out_of(page, "horaires-Sa_am_open")
    assert page.evaluate("document.activeElement.name") == "horaires-Sa_am_close"
    type_time(page, "12:00")
    tab_out_of(page, "horaires-Sa_am_close")
    preview = page.locator("#apercu-horaires")
    preview.locator("text=samedi 9 h – 12 h").wait_for()
    assert "Sa 09:00-12:00" in preview.inner_text()
    # Beside the field: the preview is in sight while the Saturday row is being filled.
    field_box = page.get_by_label("Samedi, Matin, ouverture").bounding_box()
    preview_box = preview.bounding_box()
    viewport = page.viewport_size
    assert preview_box["x"] > field_box["x"] and 0 <= preview_box["y"] < viewport["height"]
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    assert "Le lieu a été mis à jour." in page.content()
    visit.goto(path)
    assert page.get_by_label("Samedi, Matin, ouverture").input_value() == "09:00"
    assert "Sa 09:00-12:00" in page.locator("[name=opening_hours]").input_value()
    assert visit.external_requests == []


def test_a_mistake_in_the_hours_editor_is_said_in_french_and_the_page_stays_accessible(visit):
    log_in(visit, "structure@structure.demo")
    path = first_site_edit_path(visit)
    page = visit.page
    closed = page.get_by_role("checkbox", name="Dimanche : Fermé")
    if closed.is_checked():
        page.locator("label[for=id_horaires-Su_closed]").click()
    page.get_by_label("Dimanche, Matin, ouverture").fill("12:00")
    page.get_by_label("Dimanche, Matin, fermeture").fill("10:00")
    page.locator("#apercu-horaires").locator(
        "text=Dimanche : l'heure de fermeture du matin doit suivre l'heure d'ouverture."
    ).wait_for()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    message = page.locator("#id_horaires-Su_am_close-desc-error")
    assert "Dimanche : l'heure de fermeture du matin doit suivre l'heure d'ouverture." in message.inner_text()
    assert page.get_by_label("Dimanche, Matin, fermeture").get_attribute("aria-invalid") == "true"
    assert page.url.removeprefix(visit.base_url) == path
    violations = Axe().run(page).response["violations"]
    assert violations == [], [v["id"] for v in violations]
