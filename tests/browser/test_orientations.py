"""A professional records a referral in a real browser; every orientation page passes axe (RGAA)."""

import re

import pytest

from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-spro-2026"


def log_in(visit, email: str):
    visit.goto("/comptes/connexion/")
    visit.page.fill("input[name=username]", email)
    visit.page.fill("input[name=password]", DEMO_PASSWORD)
    visit.page.get_by_role("button", name="Se connecter").click()
    visit.page.wait_for_load_state("networkidle")


def test_a_professional_records_a_referral_and_every_page_is_accessible(visit):
    log_in(visit, "conseiller@structure.demo")
    for path in (
        "/espace-pro/",
        "/espace-pro/orientations/",
        "/espace-pro/orientations/envoyees/",
        "/espace-pro/orientations/demandes-de-contact/",
        "/espace-pro/orientations/nouvelle/",
    ):
        assert_accessible(visit, path)
    page = visit.page
    page.select_option("select[name=structure]", label="Mission Locale de Toulouse")
    page.select_option("select[name=besoin]", value="trouver-emploi")
    page.fill("input[name=age]", "30")
    page.select_option("select[name=statut]", value="demandeur-emploi")
    page.fill("#id_commune", "Toulouse")  # the visible field of the commune combobox
    page.get_by_role("button", name="Voir les réseaux et les lieux proposés").click()
    page.wait_for_load_state("networkidle")
    assert "Étape 2 sur 2" in page.content()
    assert "age=" not in page.url and "commune=" not in page.url  # step 1 is posted, kept in the session
    assert_accessible(visit, page.url.removeprefix(visit.base_url))
    page.locator("input[name=to_site]").first.check(force=True)
    page.get_by_label("La personne est d'accord pour être orientée vers ce lieu").check(force=True)
    page.get_by_label("À l'oral").check(force=True)
    page.get_by_role("radio", name=re.compile(r"^Rendez-vous demandé")).check(force=True)
    page.fill("input[name=person_name]", "Personne Démo")
    page.fill("input[name=person_phone]", "06 00 00 00 00")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_load_state("networkidle")
    assert "/espace-pro/orientations/" in page.url and "envoyée à" in page.content()
    assert_accessible(visit, page.url.removeprefix(visit.base_url))
    assert visit.external_requests == []
