"""The public resources library by keyboard, with axe on every page: an anonymous visitor filters
/ressources/ by type and by public, opens a sector sheet and finds its download link with its format and
size; members-only resources never show to them."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import run_in_server_env

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
PREPARE = """
import json
from spro.network import demo
from spro.network.models import Resource
demo.library()
print(json.dumps({
    "sheet": Resource.objects.get(title__startswith="Fiche secteur : l'hôtellerie").title,
    "private": Resource.objects.filter(visibility="membres").values_list("title", flat=True).first(),
}))
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


def test_an_anonymous_visitor_filters_the_resources_and_opens_one_by_keyboard(visit, prepared):
    page = visit.page
    visit.goto("/")
    footer_link = page.locator("#pied-de-page").get_by_role("link", name="Ressources de l'orientation")
    footer_link.focus()
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Ressources de l'orientation"
    assert prepared["private"] not in page.content()
    no_violations(page)
    page.get_by_label("Type de ressource").focus()
    page.get_by_label("Type de ressource").select_option("fiche-secteur")
    page.keyboard.press("Tab")
    page.get_by_label("Public", exact=True).select_option("eleves")
    page.get_by_role("button", name="Filtrer").focus()
    enter(page)
    assert "type=fiche-secteur" in page.url and "public=eleves" in page.url
    assert page.get_by_label("Type de ressource").input_value() == "fiche-secteur"
    no_violations(page)
    link = page.get_by_role("link", name=prepared["sheet"])
    link.focus()
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == prepared["sheet"]
    download = page.locator("a.fr-link--download")
    assert "PDF, " in download.inner_text() and " ko" in download.inner_text()
    no_violations(page)
    answer = page.request.get(visit.base_url + download.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
