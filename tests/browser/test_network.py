"""The network's life by keyboard, with axe on every page: a professional searches the directory of the
professionals by speciality and opens a colleague's card and their structure's "qui appeler pour
ceci"; a structure's administrator registers for a session, then registers a colleague on the waiting
list of the now full session."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in, run_in_server_env

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
# A session of one place for this test, and a listed professional of a demo structure with a speciality.
PREPARE = """
import json
from datetime import timedelta
from django.utils import timezone
from spro.network.models import ProfessionalProfile, Training
start = timezone.now() + timedelta(days=25)
training, _ = Training.objects.get_or_create(
    title="Session du test au clavier",
    defaults=dict(objectives="Tester l'inscription au clavier.", start=start, end=start + timedelta(hours=2),
                  place="Salle fictive", capacity=1, audience="Conseillers", axis="aiguillage"),
)
profile = ProfessionalProfile.objects.listed().filter(needs_index__contains="|vae|").order_by("pk").first()
if profile is None:
    profile = ProfessionalProfile.objects.listed().order_by("pk").first()
    profile.needs = ["vae"]
    profile.shown = sorted(set(profile.shown) | {"specialites"})
    profile.save()
    profile.reindex()
print(json.dumps({"training": training.pk, "name": profile.user.get_full_name()}))
"""


def no_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def enter(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


@pytest.fixture(scope="module")
def prepared(server_url):
    return json.loads(run_in_server_env("shell", "-c", PREPARE).strip().splitlines()[-1])


def test_search_the_professionals_by_speciality_and_open_a_card_by_keyboard(visit, prepared):
    page = visit.page
    log_in(visit, "conseiller@structure.demo")
    visit.goto("/espace-pro/professionnels/")
    assert page.get_by_role("heading", level=1).inner_text() == "Professionnels du réseau"
    no_violations(page)
    page.get_by_label("Spécialité").focus()
    page.get_by_label("Spécialité").select_option("besoin:vae")
    page.get_by_role("button", name="Rechercher").focus()
    enter(page)
    assert "specialite=besoin%3Avae" in page.url
    no_violations(page)
    link = page.locator(".spro-professionals").get_by_role("link", name=prepared["name"]).first
    link.focus()
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == prepared["name"]
    assert "Validation des acquis" in page.locator("dl").inner_text()
    no_violations(page)
    page.locator("dl a[href*='/espace-pro/professionnels/structures/']").first.focus()
    enter(page)
    assert page.get_by_role("heading", name="Qui appeler pour ceci").is_visible()
    assert page.get_by_role("heading", name="Référent SPRO").is_visible()
    no_violations(page)
    visit.goto("/espace-pro/professionnels/mon-profil/")
    no_violations(page)


def test_register_then_a_colleague_on_the_waiting_list_by_keyboard(visit, prepared):
    page = visit.page
    log_in(visit, "structure@structure.demo")
    visit.goto("/espace-pro/formations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Formations du réseau"
    no_violations(page)
    page.get_by_role("link", name="Session du test au clavier").focus()
    enter(page)
    assert page.url.endswith(f"/espace-pro/formations/{prepared['training']}/")
    no_violations(page)
    # The administrator registers themselves (the first person offered), for their first structure.
    page.get_by_label("Personne à inscrire").focus()
    page.get_by_role("button", name="S'inscrire").focus()
    enter(page)
    assert "inscrit" in page.locator("#mes-inscriptions").inner_text()
    assert "1 prise" in page.locator("#places").inner_text()
    no_violations(page)
    # The session is now full: a colleague goes on the waiting list.
    page.get_by_label("Personne à inscrire").select_option(label="Camille Conseillère")
    page.get_by_role("button", name="S'inscrire sur la liste d'attente").focus()
    enter(page)
    registrations = page.locator("#mes-inscriptions").inner_text()
    assert "Camille Conseillère" in registrations and "liste d'attente" in registrations
    no_violations(page)
    page.get_by_role("link", name="Annuler l'inscription de Sacha Responsable").focus()
    enter(page)
    no_violations(page)
    page.get_by_role("button", name="Annuler l'inscription").focus()
    enter(page)
    registrations = page.locator("#mes-inscriptions").inner_text()
    assert "Sacha Responsable" not in registrations and "Camille Conseillère" in registrations
    assert "inscrit" in registrations and "liste d'attente" not in registrations
    no_violations(page)
