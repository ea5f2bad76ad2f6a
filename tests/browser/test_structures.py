"""A structure's administrator edits a site in a real browser: every page of the pro space passes axe."""

import re

import pytest

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
    hours = page.locator("textarea[name=opening_hours], input[name=opening_hours]")
    hours.fill("Mo-Fr 09:00-12:00")
    page.wait_for_selector("#apercu-horaires:has-text('du lundi au vendredi')")
    hours.fill("lundi matin")
    page.wait_for_selector("#apercu-horaires:has-text('pas au format attendu')")
    hours.fill("Mo-Fr 09:00-12:00,14:00-17:00")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    assert "Le lieu a été mis à jour." in page.content()
    assert visit.external_requests == []
