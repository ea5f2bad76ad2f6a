"""The Région's instructor, by keyboard only, in a real browser: from the Région's home to the queue of
labelling dossiers, filtered to those in instruction, then into a dossier of the demo, where a criterion
of the checklist is recorded and a complement is asked of the structure (which is e-mailed). axe finds no
violation on the queue and on the dossier page, before and after each action, at 1280 and 320 px."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in, run_in_server_env, sent_emails
from tests.browser.test_axe_all_pages import AXE_OPTIONS
from tests.browser.test_keyboard_walk import choose_option, focus_matches, press_and_follow, tab_to

pytestmark = pytest.mark.browser

INSTRUCTOR = "instructeur@region.demo"


def assert_no_axe_violation(visit, where: str):
    page = visit.page
    for width, height in ((1280, 900), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        summary = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]
        assert not violations, f"{where} ({width} px): {json.dumps(summary, ensure_ascii=False)}"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("h1").count() == 1, where
    assert visit.console_errors == [], f"{where}: {visit.console_errors}"


def test_an_instructor_records_a_criterion_and_asks_for_a_complement_by_keyboard(visit):
    log_in(visit, INSTRUCTOR)
    page = visit.page
    visit.goto("/region/")
    tab_to(page, "main a[href='/region/labellisation/']")
    press_and_follow(page, "Enter")
    assert page.url.endswith("/region/labellisation/")
    assert page.locator("h1").inner_text() == "Dossiers de labellisation"
    assert_no_axe_violation(visit, "la file des dossiers")

    # The queue, filtered to the dossiers in instruction (the demo has one at every stage).
    tab_to(page, "#id_statut")
    choose_option(page, "en-instruction")
    tab_to(page, "main form[method=get] button[type=submit]")
    press_and_follow(page, "Enter")
    assert "statut=en-instruction" in page.url
    rows = page.locator("#dossiers tbody tr")
    assert rows.count() >= 1
    assert rows.first.locator("text=En instruction").count() == 1
    assert_no_axe_violation(visit, "la file filtrée")

    tab_to(page, "#dossiers tbody a")
    press_and_follow(page, "Enter")
    assert "/region/labellisation/dossiers/" in page.url
    dossier_path = page.url.removeprefix(visit.base_url)
    assert "En instruction" in page.locator("main").inner_text()
    assert_no_axe_violation(visit, "le dossier en instruction")

    # One criterion of the checklist: the radio group, then the comment, then its button.
    first = page.locator("#grille ~ div form").first
    criterion = first.locator("input[type=radio]").first.get_attribute("name").removesuffix("-met")
    tab_to(page, f"input[name='{criterion}-met']")
    while page.evaluate("document.activeElement.value") != "non-rempli":
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name='{criterion}-met'][value='non-rempli']").is_checked()
    page.keyboard.press("Tab")
    assert focus_matches(page, f"textarea[name='{criterion}-comment']")
    page.keyboard.press("Control+A")
    page.keyboard.type("Accueil limité aux jeunes : à confirmer avec la structure.")
    page.keyboard.press("Tab")
    assert focus_matches(page, "button[type=submit]")
    press_and_follow(page, "Enter")
    assert page.url.endswith(f"{dossier_path}#{criterion}")
    main = page.locator("main").inner_text()
    assert "Appréciation enregistrée" in page.content()
    assert "Critère non rempli — « Accueil limité aux jeunes : à confirmer avec la structure. »" in main
    assert_no_axe_violation(visit, "le dossier après l'appréciation")

    # A complement: one question reopened, a message, the button.
    tab_to(page, "input[name='complement-items']")
    page.keyboard.press("Space")
    asked = page.locator("input[name='complement-items']:checked").first
    asked_label = page.locator(f"label[for='{asked.get_attribute('id')}']").inner_text()
    tab_to(page, "textarea[name='complement-comment']")
    page.keyboard.type("Précisez les publics que vous accueillez sans rendez-vous.")
    tab_to(page, "form[action$='/complement/'] button[type=submit]")
    press_and_follow(page, "Enter")
    main = page.locator("main").inner_text()
    assert "Le complément est demandé" in page.content()
    assert "Complément demandé, en attente de la structure" in main
    assert asked_label in main
    assert "Précisez les publics que vous accueillez sans rendez-vous." in main  # in the history
    assert "Précisez les publics que vous accueillez sans rendez-vous." in sent_emails()
    assert_no_axe_violation(visit, "le dossier en attente du complément")
    assert visit.external_requests == []


# A completed dossier to ask again: the committee walk may have given its opinion on the demo's one.
COMPLETED_DOSSIER = """
from spro.labels import workflow
from spro.labels.demo import APPLICANT_EMAIL
from spro.labels.models import Application
from spro.accounts.models import User
if not Application.objects.filter(state="complete").exists():
    asked = Application.objects.filter(state="complement-demande").order_by("pk").first()
    workflow.complete(asked, User.objects.get(email=APPLICANT_EMAIL), comment="Précision apportée.")
"""


def test_a_complement_request_in_error_is_shown_on_its_form(visit):
    run_in_server_env("shell", "-c", COMPLETED_DOSSIER)
    log_in(visit, INSTRUCTOR)
    page = visit.page
    visit.goto("/region/labellisation/?statut=complete")
    page.locator("#dossiers tbody a").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Demander le complément").click()
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Erreur : 2 erreurs")
    assert page.evaluate("document.activeElement.hasAttribute('data-spro-error-summary')")
    assert page.locator("#id_complement-comment[aria-invalid=true]").count() == 1
    assert_no_axe_violation(visit, "la demande de complément en erreur")
