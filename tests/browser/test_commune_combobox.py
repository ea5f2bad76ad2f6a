"""The commune field as an ARIA 1.2 combobox (list autocomplete): arrows, Home/End, Enter, Escape,
aria-activedescendant, the count of suggestions announced; the field shows "Toulouse (31)" while the form
sends the INSEE code; choosing never navigates nor drops the other fields of the annuaire's search."""

import json
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def type_in_the_field(visit, path, text, name="Commune ou code postal"):
    visit.goto(path)
    field = visit.page.get_by_role("combobox", name=name)
    field.focus()
    visit.page.keyboard.type(text, delay=30)
    visit.page.get_by_role("listbox").wait_for()
    return field


def active_option(page, field) -> str:
    """The text of the option the field points to with aria-activedescendant."""
    option_id = field.get_attribute("aria-activedescendant")
    assert option_id, "an option is active"
    option = page.locator(f"#{option_id}")
    assert option.get_attribute("aria-selected") == "true"
    assert page.locator('[role="option"][aria-selected="true"]').count() == 1
    return option.inner_text()


def arrow_down_to(page, field, start: str) -> str:
    """Press ArrowDown until the active option starts with `start` (at most through the list)."""
    for _ in range(page.get_by_role("option").count()):
        page.keyboard.press("ArrowDown")
        text = active_option(page, field)
        if text.startswith(start):
            return text
    raise AssertionError(f"no option starts with {start}")


def hidden_commune(page) -> str:
    return page.locator('input[type="hidden"][name="commune"]').input_value()


def test_the_field_is_a_combobox_that_opens_a_listbox_of_options_while_typing(visit):
    field = type_in_the_field(visit, "/", "toul")
    page = visit.page
    assert field.get_attribute("aria-autocomplete") == "list"
    assert field.get_attribute("aria-expanded") == "true"
    listbox = page.get_by_role("listbox")
    assert listbox.get_attribute("id") == field.get_attribute("aria-controls")
    options = listbox.get_by_role("option")
    texts = [options.nth(i).inner_text() for i in range(options.count())]
    assert texts[0].startswith("Toul (54200")  # the exact name first, then the biggest communes
    assert any(text.startswith("Toulouse (31") for text in texts)
    count = len(texts)
    assert count > 1
    status = page.locator("#commune-accueil-statut")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"{count} communes proposées"
    assert field.get_attribute("aria-activedescendant") is None  # typing never moves into the list
    assert visit.console_errors == [] and visit.external_requests == []


def test_arrows_home_and_end_move_the_active_option(visit):
    field = type_in_the_field(visit, "/", "toul")
    page = visit.page
    options = page.get_by_role("option")
    texts = [options.nth(i).inner_text() for i in range(options.count())]
    page.keyboard.press("ArrowDown")
    assert active_option(page, field) == texts[0]
    page.keyboard.press("ArrowDown")
    assert active_option(page, field) == texts[1]
    page.keyboard.press("ArrowUp")
    assert active_option(page, field) == texts[0]
    page.keyboard.press("ArrowUp")  # from the first, up goes round to the last
    assert active_option(page, field) == texts[-1]
    page.keyboard.press("Home")
    assert active_option(page, field) == texts[0]
    page.keyboard.press("End")
    assert active_option(page, field) == texts[-1]
    assert page.evaluate("document.activeElement.id") == "commune-accueil"  # the focus stays in the field


def test_enter_chooses_the_option_the_field_shows_its_label_and_the_form_sends_its_code(visit):
    field = type_in_the_field(visit, "/", "toul")
    page = visit.page
    arrow_down_to(page, field, "Toulouse (31")
    page.keyboard.press("Enter")
    assert field.input_value() == "Toulouse (31)"
    assert hidden_commune(page) == "31555"
    assert field.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox").is_hidden()
    assert field.get_attribute("aria-activedescendant") is None
    assert page.url == visit.base_url + "/"  # choosing does not navigate
    page.get_by_role("button", name="Rechercher un lieu d'accueil").click()
    page.wait_for_url("**/annuaire/?commune=31555")


def test_escape_closes_the_list_then_clears_the_field(visit):
    field = type_in_the_field(visit, "/", "toul")
    page = visit.page
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox").is_hidden()
    assert field.get_attribute("aria-activedescendant") is None
    assert field.input_value() == "toul"
    page.keyboard.press("Escape")
    assert field.input_value() == ""
    assert hidden_commune(page) == ""


def test_a_click_chooses_an_option(visit):
    field = type_in_the_field(visit, "/", "31000")
    page = visit.page
    page.get_by_role("option").first.click()
    assert field.input_value() == "Toulouse (31)"
    assert hidden_commune(page) == "31555"
    assert page.url == visit.base_url + "/"


def test_typing_after_a_choice_sends_the_text_typed(visit):
    field = type_in_the_field(visit, "/", "toul")
    page = visit.page
    arrow_down_to(page, field, "Toulouse (31")
    page.keyboard.press("Enter")
    assert hidden_commune(page) == "31555"
    field.fill("Albi")
    assert hidden_commune(page) == "Albi"


def test_on_the_annuaire_choosing_a_commune_keeps_the_radius_and_the_filters(visit):
    visit.goto("/annuaire/?commune=31555&rayon=50&besoin=vae&ouvert=1")
    page = visit.page
    page.locator(".spro-search-summary > summary").click()
    field = page.get_by_role("combobox", name="Commune ou code postal")
    assert field.input_value() == "Toulouse (31)"  # a pre-filled commune shows its label
    field.fill("")
    field.focus()
    page.keyboard.type("albi", delay=30)
    page.get_by_role("listbox").wait_for()
    arrow_down_to(page, field, "Albi (81")
    page.keyboard.press("Enter")
    assert field.input_value() == "Albi (81)"
    assert page.get_by_label("Distance maximale").input_value() == "50"
    assert page.get_by_label("Votre besoin").input_value() == "vae"
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_load_state("networkidle")
    query = parse_qs(urlparse(page.url).query)
    assert query["commune"] == ["81004"]
    assert query["rayon"] == ["50"] and query["besoin"] == ["vae"] and query["ouvert"] == ["1"]
    assert "d'Albi" in page.locator("#titre-resultats").inner_text()
    assert visit.console_errors == [] and visit.external_requests == []


def test_the_questionnaire_field_is_the_same_combobox(visit):
    field = type_in_the_field(visit, "/trouver-mon-interlocuteur/", "albi", name="6. Votre commune")
    page = visit.page
    arrow_down_to(page, field, "Albi (81")
    page.keyboard.press("Enter")
    assert field.input_value() == "Albi (81)"
    assert hidden_commune(page) == "81004"


@pytest.mark.parametrize("path", ["/", "/annuaire/", "/trouver-mon-interlocuteur/"])
def test_axe_finds_no_violation_with_the_list_open_and_an_option_active(visit, path):
    field = type_in_the_field(visit, path, "toul", name="ommune")
    visit.page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant")
    violations = Axe().run(visit.page).response["violations"]
    summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in violations]
    assert not violations, json.dumps(summary, ensure_ascii=False, indent=1)
    assert visit.console_errors == []
