"""The instructor's path through a committee session, in a real browser: from the list of sessions to
the demo session, an opinion recorded with the keyboard alone, the minutes PDF; axe finds no violation
on the pages visited."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.browser.test_axe_all_pages import AXE_OPTIONS

pytestmark = pytest.mark.browser


def axe_violations(visit) -> list:
    violations = Axe().run(visit.page, options=AXE_OPTIONS).response["violations"]
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]


def test_the_instructor_records_an_opinion_with_the_keyboard(visit):
    page = visit.page
    log_in(visit, "instructeur@region.demo")
    visit.goto("/region/comites/")
    assert page.locator("h1").inner_text() == "Séances des instances"
    assert axe_violations(visit) == []
    page.get_by_role("link", name=re.compile(r"séance COPIL SPRO")).first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Séance COPIL SPRO du ")
    assert axe_violations(visit) == []

    # The demo's completed dossier awaits the session's opinion.
    card = page.locator("section.fr-card", has=page.locator("form")).first
    structure = card.locator("h3").inner_text().split(". ", 1)[1]
    card.get_by_role("link", name=re.compile("Instruire le dossier")).focus()
    page.keyboard.press("Tab")  # the first choice of the opinion
    page.keyboard.press("ArrowDown")  # « Avis défavorable »
    page.keyboard.press("ArrowUp")  # back to « Avis favorable »
    assert card.get_by_label("Avis favorable").is_checked()
    page.keyboard.press("Tab")  # the reasoning
    page.keyboard.type("Dossier complet ; partenariats avec les opérateurs CEP établis.")
    page.keyboard.press("Tab")  # the button
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("Enregistrer l'avis")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert re.search(r"#dossier-\d+$", page.url)
    assert f"Avis favorable enregistré pour « {structure} »." in page.locator("main").inner_text()
    recorded = page.locator("section.fr-card", has_text=structure)
    assert "Dossier complet ; partenariats avec les opérateurs CEP établis." in recorded.inner_text()
    assert recorded.locator("form").count() == 0
    assert axe_violations(visit) == [], json.dumps(axe_violations(visit), ensure_ascii=False)
    assert visit.console_errors == []
    assert visit.external_requests == []

    pdf = page.get_by_role("link", name=re.compile("Télécharger le procès-verbal")).get_attribute("href")
    answer = page.request.get(visit.base_url + pdf)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")


def test_the_instructor_records_a_members_departure_with_the_keyboard(visit):
    """On a body's page, a departure dated before the member joined is refused in French; today's is
    recorded and the member is then listed among the former members."""
    page = visit.page
    log_in(visit, "instructeur@region.demo")
    visit.goto("/region/comites/instances/copil-spro/")
    assert page.locator("h1").count() == 1
    assert axe_violations(visit) == [], json.dumps(axe_violations(visit), ensure_ascii=False)
    form = page.locator("form[aria-label^='Départ de ']").last
    name = form.get_attribute("aria-label").removeprefix("Départ de ")

    def leave_on(day: str):
        form = page.locator(f"form[aria-label='Départ de {name}']")
        form.get_by_label(re.compile("A quitté l'instance le")).fill(day)
        form.get_by_role("button", name=re.compile("Enregistrer le départ")).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")

    leave_on("2000-01-03")
    assert "La date de départ précède l'arrivée du membre" in page.locator("main").inner_text()
    assert page.title().startswith("Erreur : 1 erreur")
    assert axe_violations(visit) == [], json.dumps(axe_violations(visit), ensure_ascii=False)

    today = timezone.localdate()
    leave_on(today.isoformat())
    assert page.url.endswith("#anciens-membres")
    assert f"Le départ de {name} le {today:%d/%m/%Y} est enregistré." in page.locator("main").inner_text()
    former = page.locator("table", has=page.locator("caption", has_text="Membres ayant quitté l'instance"))
    assert name in former.inner_text()
    assert page.locator(f"form[aria-label='Départ de {name}']").count() == 0
    assert axe_violations(visit) == [], json.dumps(axe_violations(visit), ensure_ascii=False)
    assert visit.console_errors == []
