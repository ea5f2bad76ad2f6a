"""The agenda by keyboard: an anonymous visitor searches the agenda (a métier domain filter), opens an
event from the results and registers with name, e-mail and consent; axe finds nothing on the way."""

import json
import time

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import run_in_server_env

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
# An event of a demo structure in a métier domain the demo season does not use (C: banque, assurance).
MAKE_EVENT = """
import json
from datetime import timedelta
from django.utils import timezone
from spro.directory.models import Site
from spro.events import workflow
from spro.events.models import Event, Registration
site = Site.objects.filter(structure__is_demo=True, is_active=True).order_by("pk").first()
event = Event.objects.filter(title="Forum des métiers de la banque").first()
if event is None:
    start = timezone.now() + timedelta(days=40)
    event = workflow.publish(Event(
        structure=site.structure, title="Forum des métiers de la banque", kind="forum", start=start,
        end=start + timedelta(hours=3), site=site, rome_domains=["C"], registration=Registration.SPRO,
        capacity=40, description="Rencontrez les employeurs de la banque et de l'assurance.",
    ))
print(json.dumps({"event": event.pk}))
"""


def no_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_search_open_an_event_and_register_by_keyboard(visit):
    event_id = json.loads(run_in_server_env("shell", "-c", MAKE_EVENT).strip().splitlines()[-1])["event"]
    page = visit.page
    visit.goto("/agenda/")
    assert page.get_by_role("heading", level=1).inner_text() == "Agenda de l'orientation"
    no_violations(page)
    page.get_by_label("Domaine de métiers (code ROME)").focus()
    page.keyboard.type("C", delay=30)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "domaine=C" in page.url
    assert page.locator("#titre-resultats").inner_text() == "1 événement à venir"
    no_violations(page)
    link = page.get_by_role("link", name="Forum des métiers de la banque")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/agenda/{event_id}/")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    no_violations(page)
    page.get_by_label("Votre nom").focus()
    page.keyboard.type("Camille Martin", delay=10)
    page.keyboard.press("Tab")
    page.keyboard.type(f"camille.{time.time_ns()}@exemple.fr", delay=5)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "M'inscrire"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/agenda/{event_id}/inscription-enregistree/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vous êtes inscrit ou inscrite"
    no_violations(page)
    assert visit.console_errors == [] and visit.external_requests == []


def test_a_registration_without_consent_shows_the_error_and_axe_finds_nothing(visit):
    event_id = json.loads(run_in_server_env("shell", "-c", MAKE_EVENT).strip().splitlines()[-1])["event"]
    page = visit.page
    visit.goto(f"/agenda/{event_id}/")
    page.get_by_label("Votre nom").fill("Camille")
    page.get_by_label("Votre courriel").fill("camille@exemple.fr")
    with page.expect_navigation():
        page.get_by_role("button", name="M'inscrire").click()
    page.wait_for_load_state("networkidle")
    assert "acceptez que l'organisateur reçoive votre nom" in page.content()
    no_violations(page)


def test_a_member_makes_a_subscription_link_by_keyboard_and_a_calendar_client_reads_it(visit):
    from tests.browser.conftest import log_in

    page = visit.page
    log_in(visit, "structure@structure.demo")
    visit.goto("/espace-pro/agenda/calendrier/")
    no_violations(page)
    button = page.get_by_role("button", name="Créer mon lien d'abonnement").or_(
        page.get_by_role("button", name="Créer un nouveau lien")
    )
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/espace-pro/agenda/calendrier/#abonnement")
    link = page.get_by_label("Votre lien d'abonnement (iCalendar)")
    url = link.input_value()
    assert "/agenda/professionnels/" in url and url.endswith("/flux.ics")
    no_violations(page)
    path = url[url.index("/agenda/professionnels/") :]
    feed = page.context.browser.new_context().request.get(visit.base_url + path)  # no session cookie
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text()
    page.reload()
    assert page.get_by_label("Votre lien d'abonnement (iCalendar)").count() == 0  # shown once
    with page.expect_navigation():
        page.get_by_role("button", name="Révoquer le lien").click()
    page.wait_for_load_state("networkidle")
    no_violations(page)
    assert page.context.browser.new_context().request.get(visit.base_url + path).status == 404
    assert visit.console_errors == [] and visit.external_requests == []


def test_the_agenda_map_shows_the_events_of_the_page_and_a_marker_opens_by_keyboard(visit):
    """The map of a search (the banking forum, at a demo site): named as repeating the list, passed by its
    skip link, each marker a button whose popup leads to the event page; axe (with target size) finds
    nothing, and nothing is fetched from elsewhere."""
    run_in_server_env("shell", "-c", MAKE_EVENT)
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto("/agenda/?domaine=C")
    markers = page.locator("#carte-lieux .leaflet-marker-icon")
    markers.first.wait_for()
    listed = page.locator("ol.spro-results > li.spro-result").count()
    assert markers.count() == listed == 1
    region = page.get_by_role(
        "region", name="Carte des événements (la liste de la page donne les mêmes informations)"
    )
    assert region.count() == 1
    skip = page.get_by_role("link", name="Passer la carte")
    assert skip.count() == 1
    no_violations(page)
    marker = markers.first
    name = marker.get_attribute("aria-label")
    assert name
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    link = popup.get_by_role("link").first
    assert link.get_attribute("href").startswith("/agenda/")
    # Leaflet fades a popup in (opacity over 0.2 s): axe reads the colours once it is fully shown.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    no_violations(page)
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert visit.console_errors == [] and visit.external_requests == []
