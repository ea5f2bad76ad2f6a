"""Every public page passes an automated axe check with zero violations (RGAA), without CSP errors."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

NOT_FOUND = "/page-qui-n-existe-pas/"
# Public pages, as a visitor reaches them. Pages of later features are added here with them.
PUBLIC_PAGES = [
    "/",
    "/accessibilite/",
    "/donnees-personnelles/",
    "/mentions-legales/",
    "/api/",
    NOT_FOUND,
    "/comptes/connexion/",
    "/comptes/mot-de-passe-oublie/",
    "/annuaire/",
    "/annuaire/?commune=31555&rayon=20",
    "/annuaire/?commune=31555&rayon=5&besoin=vae&ouvert=1",
    "/annuaire/?commune=inconnue",
    "/annuaire/?commune=Albi&rayon=20&besoin=trouver-un-emploi&public=jeunes-16-25&mode=sur-place",
    "/trouver-mon-interlocuteur/",
    # The answer pages are reached by posting the questions: tests/browser/test_aiguillage.py.
    "/trouver-mon-interlocuteur/reponse/?reseau=mission-locale&commune=31555",
    "/trouver-mon-interlocuteur/reponse/?reseau=cio",
]


def first_site_path(visit) -> str:
    response = visit.page.request.get(visit.base_url + "/api/v1/lieux?commune=31555&rayon=30")
    items = response.json()["items"]
    assert items, "the demo directory has sites around Toulouse"
    return f"/lieux/{items[0]['id']}/"


def assert_accessible(visit, path):
    response = visit.goto(path)
    expected = 404 if path == NOT_FOUND else 200
    assert response.status == expected, f"{path} → {response.status}"
    results = Axe().run(visit.page)
    violations = results.response["violations"]
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in violations
    ]
    assert not violations, f"{path}: {json.dumps(summary, ensure_ascii=False, indent=1)}"
    assert visit.console_errors == [], f"{path}: {visit.console_errors}"
    assert visit.page.locator("html").get_attribute("lang") == "fr"
    assert visit.page.locator("h1").count() == 1, f"{path}: one h1 per page"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violation(visit, path):
    assert_accessible(visit, path)
    assert visit.external_requests == []


def test_site_page_and_contact_form_have_no_axe_violation(visit):
    site = first_site_path(visit)
    assert_accessible(visit, site)
    site_id = site.strip("/").split("/")[-1]
    assert_accessible(visit, f"/trouver-mon-interlocuteur/contact/{site_id}/")


@pytest.mark.parametrize("width", [1280, 320])
def test_annuaire_results_with_the_search_reopened_have_no_axe_violation(visit, width):
    visit.page.set_viewport_size({"width": width, "height": 900})
    path = "/annuaire/?commune=Albi&rayon=20&besoin=trouver-un-emploi"
    assert_accessible(visit, path)
    visit.page.locator(".spro-search-summary > summary").click()
    violations = Axe().run(visit.page).response["violations"]
    assert not violations, json.dumps([v["id"] for v in violations])


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("path", ["/accessibilite/", "/api/"])
def test_the_statement_and_the_api_page_have_no_axe_violation_at_every_width(visit, width, path):
    visit.page.set_viewport_size({"width": width, "height": 900})
    assert_accessible(visit, path)
    # The statement's results per criterion are in accordions: open them all and check again.
    for button in visit.page.locator(".fr-accordion__btn").all():
        button.click()
    violations = Axe().run(visit.page).response["violations"]
    assert not violations, json.dumps([(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations])
