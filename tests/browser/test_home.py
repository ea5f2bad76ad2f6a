"""The home page and the commune autocomplete, with a keyboard, as a visitor meets them."""

import pytest

pytestmark = pytest.mark.browser


def test_the_home_page_shows_the_region_and_its_two_entries(visit):
    visit.goto("/")
    page = visit.page
    assert page.title().endswith("Orientation Occitanie")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Trouver le bon interlocuteur pour votre orientation"
    )
    assert page.get_by_role("link", name="Trouver mon interlocuteur").first.is_visible()
    assert page.get_by_role("contentinfo").is_visible()
    assert visit.external_requests == []


def test_choosing_a_suggestion_with_the_keyboard_then_enter_searches_that_commune(visit):
    visit.goto("/")
    page = visit.page
    field = page.get_by_role("combobox", name="Commune ou code postal")
    field.focus()
    page.keyboard.type("saint etienne", delay=20)
    first = page.get_by_role("option").first
    first.wait_for()
    assert first.inner_text().startswith("Saint-Étienne (42000")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chooses the suggestion, stays on the page
    assert field.input_value() == "Saint-Étienne (42)"
    assert page.url == visit.base_url + "/"
    page.keyboard.press("Enter")  # the list is closed: Enter sends the form
    page.wait_for_url("**/annuaire/?commune=42218")


def test_a_postal_code_suggests_toulouse_first(visit):
    visit.goto("/")
    field = visit.page.get_by_label("Commune ou code postal")
    field.fill("31000")
    first = visit.page.get_by_role("option").first
    first.wait_for()
    assert first.inner_text().startswith("Toulouse")


def test_an_unknown_commune_is_said_in_french(visit):
    visit.goto("/")
    visit.page.get_by_label("Commune ou code postal").fill("qqqqzz")
    message = visit.page.get_by_role("status").filter(has_text="Aucune commune ne correspond")
    message.wait_for()  # the live region, shown on screen too
    assert message.is_visible() and "fr-sr-only" not in message.get_attribute("class")
    assert visit.page.get_by_role("listbox").is_hidden()


def test_the_skip_link_is_the_first_stop_of_the_keyboard(visit):
    visit.goto("/")
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("document.activeElement.textContent.trim()") == "Contenu"
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("location.hash") == "#contenu"


@pytest.mark.parametrize("width", [1280, 320])
def test_the_menu_skip_link_moves_the_focus_to_the_menu_at_every_width(visit, width):
    page = visit.page
    page.set_viewport_size({"width": width, "height": 800})
    visit.goto("/annuaire/")
    menu = page.locator(".fr-skiplinks a:visible", has_text="Menu")
    assert menu.count() == 1, "one Menu skip link at each width"
    menu.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id || document.activeElement.closest('[id]')?.id || ''")
    if width == 320:
        assert focused == "bouton-menu", "focus is on the Menu button, not sent back to <body>"
        page.keyboard.press("Enter")
        assert page.get_by_role("link", name="Annuaire des lieux d'accueil").first.is_visible()
    else:
        # The nav itself takes no focus: the next Tab reaches its first link.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('nav')?.id") == "navigation-principale"
    assert page.evaluate("document.activeElement !== document.body")
