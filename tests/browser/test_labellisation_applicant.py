"""The applicant's labelling path, by keyboard only, in a real browser: the administrator of a demo
structure with no dossier goes from the espace pro's labelling page to its structure, starts a dossier
for the volet SPRO, answers every required question of each step of the Région's policy, joins the
required attachment (a real PDF), tries to submit while an answer is still missing and meets the
accessible error pattern (the summary takes the focus, the page title starts with « Erreur »), then
answers it (the recap's "to do" list links to the question), submits, and reads « Déposé ». Then the
déclaration d'adhésion to the charter, signed online after a first attempt in error. axe finds no
violation on every page crossed, at 1280 and 320 px."""

import io
import json

import pytest

from tests.browser.conftest import log_in, run_in_server_env
from tests.browser.test_instruction import assert_no_axe_violation
from tests.browser.test_keyboard_walk import choose_option, focus_matches, press_and_follow, tab_to

pytestmark = pytest.mark.browser

ADMIN = "structure@structure.demo"

# The demo structure this administrator runs and that has no dossier yet (its pk and name, as JSON).
PICK_STRUCTURE = f"""
import json
from spro.directory.models import Membership
from spro.labels.models import Application
m = (Membership.objects.filter(user__email={ADMIN!r}, role=Membership.Role.ADMIN)
     .exclude(structure__in=Application.objects.values("structure")).select_related("structure")
     .order_by("structure__name").first())
print(json.dumps({{"pk": m.structure.pk, "name": m.structure.name}}))
"""


def small_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, "Déclaration d'adhésion à la charte, signée.")
    sheet.save()
    return buffer.getvalue()


def type_into(page, selector: str, text: str):
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def check_by_keyboard(page, selector: str):
    tab_to(page, selector)
    if not page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
    assert page.locator(selector).is_checked()


def press_and_read_status(page, key: str) -> int:
    """Press a key that submits a form; the HTTP status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")
    return navigation.value.status


def save_and_continue(page):
    tab_to(page, "button[name=continuer]")
    press_and_follow(page, "Enter")


def test_an_administrator_starts_fills_and_submits_a_dossier_by_keyboard(visit):
    structure = json.loads(run_in_server_env("shell", "-c", PICK_STRUCTURE).strip().splitlines()[-1])
    log_in(visit, ADMIN)
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})

    visit.goto("/espace-pro/labellisation/")
    assert page.locator("h1").inner_text() == "Labellisation et adhésion au SPRO"
    assert_no_axe_violation(visit, "la labellisation de mes structures")
    tab_to(page, f"main a[href='/espace-pro/labellisation/structures/{structure['pk']}/']")
    press_and_follow(page, "Enter")
    assert page.locator("h1").inner_text() == f"Labellisation : {structure['name']}"
    assert "Aucun dossier pour l'instant." in page.locator("main").inner_text()
    assert_no_axe_violation(visit, "la labellisation de la structure")

    tab_to(page, "main a[href$='/nouveau-dossier/']")
    press_and_follow(page, "Enter")
    assert page.locator("h1").inner_text() == "Nouveau dossier de labellisation"
    assert_no_axe_violation(visit, "le nouveau dossier")
    check_by_keyboard(page, "input[name=volets][value=spro]")
    tab_to(page, "main form button[type=submit]")
    press_and_follow(page, "Enter")
    assert "/etapes/presentation/" in page.url
    application_path = page.url.removeprefix(visit.base_url).split("etapes/")[0]
    assert "Le dossier est créé en brouillon" in page.content()
    assert "Étape 1 sur 5" in page.locator(".fr-stepper").inner_text()
    assert_no_axe_violation(visit, "l'étape Présentation")

    # Step 1: the nature of the structure, its activity; the départements are pre-filled from its sites.
    tab_to(page, "#id_nature")
    choose_option(page, "association")
    type_into(page, "#id_activite", "Accueil, information et accompagnement des jeunes de 16 à 25 ans.")
    assert page.locator("input[name=territoire]:checked").count() >= 1
    save_and_continue(page)
    assert "/etapes/offre/" in page.url
    assert "Réponses enregistrées dans le brouillon." in page.content()
    assert_no_axe_violation(visit, "l'étape Offre de services")

    # Step 2: the offer of the volet SPRO.
    type_into(page, "#id_accueil-premier-niveau", "Accueil sans rendez-vous du lundi au vendredi.")
    type_into(page, "#id_personnes-recues", "1250")
    save_and_continue(page)
    assert "/etapes/engagements/" in page.url
    assert_no_axe_violation(visit, "l'étape Engagements")

    # Step 3, the commitment to the charter, is left unanswered for now.
    save_and_continue(page)
    assert page.url.endswith(f"{application_path}pieces/")
    assert_no_axe_violation(visit, "l'étape Pièces jointes")

    # A file that only pretends to be a PDF is refused, on its content, with the error pattern.
    page.locator("#id_file").set_input_files(
        {"name": "adhesion-signee.pdf", "mimeType": "application/pdf", "buffer": b"<html>faux</html>"}
    )
    tab_to(page, "main form[enctype] button[type=submit]")
    assert press_and_read_status(page, "Enter") == 422
    assert page.title().startswith("Erreur : 1 erreur")
    assert page.evaluate("document.activeElement.hasAttribute('data-spro-error-summary')")
    assert "Ce type de fichier n'est pas accepté" in page.locator("[data-spro-error-summary]").inner_text()
    assert page.locator("#id_file[aria-invalid=true]").count() == 1
    assert "Aucun" in page.locator("#pieces").inner_text()
    assert_no_axe_violation(visit, "le document refusé")

    # The required attachment: its kind chosen by keyboard, a real PDF given to the file input.
    tab_to(page, "#id_code")
    choose_option(page, "adhesion-signee")
    page.locator("#id_file").set_input_files(
        {"name": "adhesion-signee.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}
    )
    tab_to(page, "main form[enctype] button[type=submit]")
    press_and_follow(page, "Enter")
    assert "« adhesion-signee.pdf » est joint au dossier." in page.content()
    assert "adhesion-signee.pdf" in page.locator("#pieces").inner_text()
    assert_no_axe_violation(visit, "les pièces jointes après l'envoi")

    tab_to(page, "main a[href$='" + application_path + "']")
    press_and_follow(page, "Enter")
    assert page.url.endswith(application_path)
    to_do = page.locator("#a-faire").inner_text()
    assert "Répondez à « La structure s'engage à respecter la charte" in to_do
    assert "Joignez" not in to_do
    assert_no_axe_violation(visit, "le récapitulatif du brouillon")

    # A first submission, the commitment still missing: the error pattern.
    check_by_keyboard(page, "#id_certify")
    tab_to(page, "form[action$='/deposer/'] button[type=submit]")
    assert press_and_read_status(page, "Enter") == 422
    assert page.title().startswith("Erreur : 1 erreur")
    assert page.evaluate("document.activeElement.hasAttribute('data-spro-error-summary')")
    summary = page.locator("[data-spro-error-summary]").inner_text()
    assert "Répondez à « La structure s'engage à respecter la charte" in summary
    assert page.locator("main .fr-badge").first.text_content().strip() == "Brouillon"
    assert_no_axe_violation(visit, "le dépôt refusé")

    # The commitment, from its link in the list of what is left to do, then the submission.
    tab_to(page, "#a-faire a[href$='/etapes/engagements/#question-charte']")
    press_and_follow(page, "Enter")
    page.keyboard.press("Tab")
    assert focus_matches(page, "#id_charte"), "le lien mène à la question : une tabulation suffit"
    page.keyboard.press("Space")
    assert page.locator("#id_charte").is_checked()
    save_and_continue(page)
    tab_to(page, "main a[href$='" + application_path + "']")
    press_and_follow(page, "Enter")
    assert page.locator("#a-faire").count() == 0
    check_by_keyboard(page, "#id_certify")
    tab_to(page, "form[action$='/deposer/'] button[type=submit]")
    assert page.evaluate("document.activeElement.innerText").strip() == "Déposer le dossier"
    press_and_follow(page, "Enter")
    assert page.url.endswith(application_path)
    assert "Votre dossier est déposé" in page.content()
    main = page.locator("main").inner_text()
    assert page.locator("main .fr-badge").first.text_content().strip() == "Déposé"
    assert "Brouillon → Déposé" in page.locator("#historique").inner_text()
    assert "Déposer le dossier" not in main
    assert_no_axe_violation(visit, "le dossier déposé")
    assert visit.external_requests == []


PICK_UNSIGNED = f"""
import json
from spro.directory.models import Membership
from spro.labels.models import Adhesion
m = (Membership.objects.filter(user__email={ADMIN!r}, role=Membership.Role.ADMIN)
     .exclude(structure__in=Adhesion.objects.values("structure")).select_related("structure")
     .order_by("-structure__name").first())
print(json.dumps({{"pk": m.structure.pk, "name": m.structure.name}}))
"""


def test_an_administrator_signs_the_charter_online_by_keyboard(visit):
    structure = json.loads(run_in_server_env("shell", "-c", PICK_UNSIGNED).strip().splitlines()[-1])
    log_in(visit, ADMIN)
    page = visit.page
    visit.goto(f"/espace-pro/labellisation/structures/{structure['pk']}/")
    assert "n'est pas encore signée" in page.locator("main").inner_text()
    tab_to(page, "main a[href*='/chartes/']")
    press_and_follow(page, "Enter")
    assert page.locator("h1").inner_text().startswith("Déclaration d'adhésion")
    assert_no_axe_violation(visit, "la déclaration d'adhésion")

    # The signatory's function forgotten, and no way of signing chosen: the error pattern.
    type_into(page, "#id_signatory_name", "Sacha Responsable")
    tab_to(page, "main form button[type=submit]")
    assert press_and_read_status(page, "Enter") == 422
    assert page.title().startswith("Erreur : 2 erreurs")
    assert page.evaluate("document.activeElement.hasAttribute('data-spro-error-summary')")
    assert page.locator("#id_signatory_function[aria-invalid=true]").count() == 1
    assert page.locator("#id_signatory_name").input_value() == "Sacha Responsable"
    assert_no_axe_violation(visit, "la déclaration d'adhésion en erreur")

    type_into(page, "#id_signatory_function", "Directeur")
    check_by_keyboard(page, "input[name=mode][value=en-ligne]")
    tab_to(page, "main form button[type=submit]")
    press_and_follow(page, "Enter")
    assert page.url.endswith(f"/espace-pro/labellisation/structures/{structure['pk']}/")
    assert "La déclaration d'adhésion à « " in page.content()
    charter = page.locator("#charte-titre ~ ul").inner_text()
    assert "par Sacha Responsable (Directeur), acceptée en ligne." in charter
    assert "n'est pas encore signée" not in page.locator("main").inner_text()
    assert_no_axe_violation(visit, "la structure après l'adhésion")
    assert visit.external_requests == []
