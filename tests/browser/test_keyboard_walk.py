"""A keyboard-only visitor (Tab, Shift+Tab, arrows, Enter, Escape; never a click) goes from the home page
to a site's page through the annuaire and its map, then through the questionnaire to its answer."""

import pytest

pytestmark = pytest.mark.browser

MAX_TABS = 150


def focus_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`; the number of presses."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focus_matches(page, selector):
            return presses
    raise AssertionError(f"{selector} jamais atteint au clavier en {MAX_TABS} tabulations")


def press_and_follow(page, key: str):
    """Press a key that leaves the page (a link, a submit button) and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def in_map(page) -> bool:
    return page.evaluate("document.getElementById('carte-lieux').contains(document.activeElement)")


def choose_commune(page, start: str):
    """Type in the focused commune combobox, go down the suggestions with the arrows, Enter chooses."""
    page.keyboard.type(start[:5], delay=30)
    page.get_by_role("listbox").wait_for()
    for _ in range(page.get_by_role("option").count()):
        page.keyboard.press("ArrowDown")
        active = page.evaluate(
            "document.getElementById(document.activeElement.getAttribute('aria-activedescendant'))?.innerText"
        )
        if active and active.startswith(start):
            page.keyboard.press("Enter")
            return active
    raise AssertionError(f"aucune suggestion ne commence par {start}")


def choose_option(page, value: str):
    """On a focused select, ArrowDown until the wanted option is selected (the list never opens)."""
    for _ in range(page.evaluate("document.activeElement.options.length")):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == value


def test_from_home_to_a_site_page_across_the_map_with_the_keyboard_only(visit):
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto("/")
    tab_to(page, "[role=combobox]")
    assert choose_commune(page, "Toulouse").startswith("Toulouse")
    tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.innerText").strip() == "Rechercher un lieu d'accueil"
    press_and_follow(page, "Enter")
    assert "/annuaire/" in page.url and "commune=31555" in page.url
    page.locator("#carte-lieux .leaflet-marker-icon").first.wait_for()

    # One skip crosses the map: from the link, Enter then Tab lands after the map.
    tab_to(page, "a.spro-map-skip")
    assert page.evaluate("document.activeElement.innerText").strip() == "Passer la carte"
    page.keyboard.press("Enter")
    assert focus_matches(page, "#apres-la-carte")
    page.keyboard.press("Tab")
    assert not in_map(page), "one skip crosses the whole map"

    # Back into the map: a marker opens its popup with Enter, Escape gives the focus back to it.
    tab_to(page, "#carte-lieux .leaflet-marker-icon", backwards=True)
    marker = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()
    assert page.evaluate("document.querySelector('.leaflet-popup').contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    page.wait_for_timeout(50)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == marker

    # Back up to the list of results: a card's link opens the site's page.
    tab_to(page, "ol.spro-results .spro-result h3 a", backwards=True)
    site_name = page.evaluate("document.activeElement.innerText").strip()
    press_and_follow(page, "Enter")
    assert "/lieux/" in page.url
    assert page.locator("h1").inner_text().strip() == site_name
    assert visit.external_requests == []


def test_the_questionnaire_from_its_start_to_its_answer_with_the_keyboard_only(visit):
    page = visit.page
    visit.goto("/trouver-mon-interlocuteur/")
    tab_to(page, "input[name=age]")
    page.keyboard.type("19")
    tab_to(page, "select[name=statut]")
    choose_option(page, "sans-activite")
    tab_to(page, "select[name=besoin]")
    choose_option(page, "trouver-emploi")
    tab_to(page, "[data-commune-combobox$='/communes/suggestions/'] [role=combobox]")  # past the métier
    choose_commune(page, "Toulouse")
    tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.innerText").strip() == "Voir mon interlocuteur"
    press_and_follow(page, "Enter")
    assert page.url.endswith("/trouver-mon-interlocuteur/reponse/")
    assert page.locator("h1").inner_text().strip() == "Notre réponse"
    assert page.locator("#reseau-principal").inner_text().strip() == "Adressez-vous à : Mission Locale"
    assert visit.external_requests == []
