"""The maps of the annuaire results, of a site's page and of the aiguillage answer (one shared script,
spro/www/annuaire/static/annuaire/carte.js), for keyboard and screen-reader users (RGAA, WCAG 2.2)."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import first_site_path
from tests.browser.test_aiguillage import START, answer_the_questions

pytestmark = pytest.mark.browser

ALBI = "/annuaire/?commune=Albi&rayon=20"
PAGES = ["annuaire", "site", "aiguillage"]
ENGLISH = ["Zoom in", "Zoom out", "Close popup", "A JavaScript library", "Marker"]


def open_map(visit, which: str):
    visit.page.set_viewport_size({"width": 1280, "height": 900})
    if which == "aiguillage":  # the answer is reached by posting the questions (answers never in a URL)
        visit.goto(START)
        answer_the_questions(visit.page)
    else:
        visit.goto(ALBI if which == "annuaire" else first_site_path(visit))
    visit.page.locator("#carte-lieux .leaflet-marker-icon").first.wait_for()
    return visit.page


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


@pytest.mark.parametrize("which", PAGES)
def test_a_skip_link_passes_the_map_which_is_named_as_repeating_the_page(visit, which):
    page = open_map(visit, which)
    skip = page.get_by_role("link", name="Passer la carte")
    assert skip.count() == 1
    in_order = "document.querySelectorAll('.spro-map-skip, #carte-lieux, #apres-la-carte')"
    order = page.evaluate(f"[...{in_order}].map(e => e.id || 'lien')")
    assert order == ["lien", "carte-lieux", "apres-la-carte"]
    skip.focus()
    assert skip.is_visible(), "the skip link shows when it has the focus"
    page.keyboard.press("Enter")
    assert focused(page) == "apres-la-carte"
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('carte-lieux').contains(document.activeElement)")
    assert not inside, "the next Tab stop is after the map"
    region = page.get_by_role("region", name="Carte")
    assert region.count() == 1 and region.get_attribute("id") == "carte-lieux"
    assert "la liste" in region.get_attribute("aria-label") or "sur la page" in region.get_attribute(
        "aria-label"
    )


@pytest.mark.parametrize("which", PAGES)
def test_the_controls_and_popups_of_the_map_speak_french(visit, which):
    page = open_map(visit, which)
    the_map = page.locator("#carte-lieux")
    assert the_map.get_by_role("button", name="Zoomer", exact=True).count() == 1
    assert the_map.get_by_role("button", name="Dézoomer", exact=True).count() == 1
    page.locator("#carte-lieux .leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    assert the_map.get_by_role("button", name="Fermer", exact=True).count() == 1
    html = page.locator("#carte-lieux").evaluate("e => e.outerHTML")
    assert [word for word in ENGLISH if word in html] == []


@pytest.mark.parametrize("which", PAGES)
def test_markers_are_24_px_at_least_and_never_overlap(visit, which):
    page = open_map(visit, which)
    boxes = [m.bounding_box() for m in page.locator("#carte-lieux .leaflet-marker-icon").all()]
    assert all(b["width"] >= 24 and b["height"] >= 24 for b in boxes), boxes
    centres = [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes]
    close = [
        (i, j)
        for i, (x1, y1) in enumerate(centres)
        for j, (x2, y2) in enumerate(centres[i + 1 :], i + 1)
        if ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 < 24
    ]
    assert close == [], f"markers closer than 24 px: {close}"
    page.locator("#carte-lieux").get_by_role("button", name="Zoomer", exact=True).click()
    page.wait_for_timeout(400)
    boxes = [m.bounding_box() for m in page.locator("#carte-lieux .leaflet-marker-icon").all()]
    assert all(b["width"] >= 24 for b in boxes)


@pytest.mark.parametrize("which", PAGES)
def test_a_popup_opened_from_the_keyboard_takes_the_focus_and_escape_gives_it_back(visit, which):
    page = open_map(visit, which)
    marker = page.locator("#carte-lieux .leaflet-marker-icon").first
    name = marker.get_attribute("aria-label")
    assert name and page.get_by_role("button", name=name).count() >= 1
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert page.evaluate("document.querySelector('.leaflet-popup').contains(document.activeElement)")
    assert name in popup.inner_text()
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
    page.keyboard.press(" ")
    popup.wait_for()
    page.locator("#carte-lieux").get_by_role("button", name="Fermer", exact=True).click()
    popup.wait_for(state="detached")
    page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name


def test_on_the_results_the_list_is_the_keyboard_path_to_the_markers(visit):
    page = open_map(visit, "annuaire")
    first_card_link = page.locator("ol.spro-results .spro-result h3 a").first
    first_card_link.focus()
    assert "spro-marker--active" in page.locator("#carte-lieux .leaflet-marker-icon").first.get_attribute(
        "class"
    )
    page.keyboard.press("Tab")
    second = page.locator("#carte-lieux .leaflet-marker-icon").nth(1)
    assert "spro-marker--active" in second.get_attribute("class"), "Tab moves to the next card and its marker"


@pytest.mark.parametrize("which", PAGES)
def test_the_maps_pass_axe_with_target_size(visit, which):
    page = open_map(visit, which)
    options = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
    violations = Axe().run(page, options=options).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]
    assert not violations, json.dumps(summary, ensure_ascii=False, indent=1)
    assert visit.console_errors == [] and visit.external_requests == []
