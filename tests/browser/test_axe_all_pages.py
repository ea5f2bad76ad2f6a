"""axe (WCAG 2.2 AA and `target-size`) finds no violation on any page of the project, at 1280 and 320 px.

Pages are discovered like the authorisation matrix discovers URLs (tests/test_authorization_matrix.py):
every route that some persona may GET with a 200 is visited by the first persona allowed — anonymously
for public pages, as the demo structure's administrator for member pages, as the Région's administrator
for the back office — with path parameters filled by objects of the browser server's demo data (a
referral, a contact request and a draft labelling dossier are added to the demo structure, as the demo
has none). A route
whose answer is not a whole HTML page (JSON, CSV, a file, an HTML fragment, a redirect) is left out by
what it answers, not by a list of names.
"""

import json
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import Visit, log_in, run_in_server_env
from tests.test_authorization_matrix import MATRIX, project_urls, url_for

pytestmark = pytest.mark.browser

# Who visits a page: the first persona of the matrix allowed to read it, as a demo account.
VISITORS = {
    "anonyme": None,
    "admin_a": "structure@structure.demo",
    "admin_region": "admin@region.demo",
}
WIDTHS = {1280: 900, 320: 640}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
# Violations inside parts other helpers are changing at the same time (see the report of this branch):
# expected failures, each strictly scoped to its route.
KNOWN_ELSEWHERE = {
    # The API's documentation page is /api/ (DSFR, checked like every page); /api/v1/docs is Swagger UI's
    # interactive tool linked from it, whose own markup nests buttons in operation headers.
    "api:openapi-view": "/api/v1/docs (Swagger UI, outil expert lié depuis /api/) : nested-interactive, "
    "heading-order dans le balisage de Swagger UI ; déclaré dans la déclaration d'accessibilité",
}


def visitor_for(name: str) -> str | None:
    statuses = MATRIX[name].statuses
    return next((persona for persona in VISITORS if statuses[persona] == 200), None)


ROUTES = sorted({name for _, name, _ in project_urls() if visitor_for(name)})
PARAMS = {name: params for _, name, params in project_urls()}

SAMPLE_OBJECTS = """
import json
from spro.directory.models import Membership, Site, Structure
from spro.referrals.models import ContactRequest, Referral
from spro.labels.models import Application, Attachment, Charter, AnnualReport, Label
from tests.test_authorization_matrix import _contact_request, _label, _labelling, _referral
from spro.activity.models import Reception
from tests.test_authorization_matrix import _reception

membership = (
    Membership.objects.filter(user__email="structure@structure.demo", role=Membership.Role.ADMIN)
    .order_by("structure_id").select_related("structure__network").first()
)
structure = membership.structure
site = Site.objects.filter(structure=structure, is_active=True, services__isnull=False).order_by("pk").first()
sender = Structure.objects.exclude(pk=structure.pk).order_by("pk").first()
referral = Referral.objects.filter(pk=4001).first() or _referral(sender=sender, site=site)
contact_request = ContactRequest.objects.filter(pk=5001).first() or _contact_request(site)
# A draft labelling dossier of the demo structure, with an attachment and a report of its label.
admin = membership.user
if Application.objects.filter(pk=6001).exists():
    labelling = {
        "application": Application.objects.get(pk=6001),
        "attachment": Attachment.objects.get(pk=6101),
        "charter": Charter.objects.get(region_code="76", version=1),
        "report": AnnualReport.objects.filter(label__structure=structure, year=2026).first(),
    }
else:
    label = Label.objects.filter(structure=structure).order_by("pk").first() or _label(structure, admin)
    labelling = _labelling(structure, label, admin)
# The demo's committee session (its agenda holds dossiers with opinions and one awaiting its opinion).
from spro.labels.models import CommitteeSession
committee_session = CommitteeSession.objects.order_by("pk").first()
# An event of the demo structure that takes registrations, with one person registered.
from spro.events.models import Event
from tests.test_authorization_matrix import _event
event = Event.objects.filter(pk=7001).first() or _event(structure)
# An entry of the demo structure's reception log (its administrator may correct it for 30 days).
reception = Reception.objects.filter(structure=structure).order_by("-pk").first() or _reception(site, admin)
# The network's life: the demo adviser's listed profile, a Région session and their registrations.
from spro.accounts.models import User
from tests.test_authorization_matrix import _network
network = _network(structure, User.objects.get(email="conseiller@structure.demo"))
# Local coordination: the demo's committee of the structure, its open designation, a minutes document.
from django.core.files.uploadedfile import SimpleUploadedFile
from spro.network import coordination
from spro.network.models import CoordinationDocument, LocalCommittee
local = LocalCommittee.objects.filter(members__structure=structure).order_by("pk").first()
document = CoordinationDocument.objects.filter(meeting__local_committee=local).first() or coordination.attach(
    SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4\\n%demo\\n"), "compte-rendu", admin,
    meeting=local.meetings.order_by("pk").first(),
)
coordination_objects = {
    "local_committee": local.pk,
    "designation": local.designations.order_by("-pk").first().pk,
    "coordination_document": document.pk,
}
print(json.dumps({
    **coordination_objects,
    **{kind: obj.pk for kind, obj in network.items()},
    "committee_session": committee_session.pk,
    "event": event.pk,
    "reception": reception.pk,
    "structure": structure.pk,
    "site": site.pk,
    "service": site.services.order_by("pk").first().pk,
    "network": structure.network_id,
    "membership": membership.pk,
    "referral": referral.pk,
    "contact_request": contact_request.pk,
    **{kind: obj.pk for kind, obj in labelling.items()},
}))
"""


@pytest.fixture(scope="module")
def demo_objects(server_url):
    ids = json.loads(run_in_server_env("shell", "-c", SAMPLE_OBJECTS).strip().splitlines()[-1])
    return {kind: SimpleNamespace(pk=pk) for kind, pk in ids.items()}


@pytest.fixture(scope="module")
def visits(browser, server_url):
    """One page per persona, logged in once and reused by every test of this module."""
    made, contexts = {}, []

    def visit_as(persona):
        if persona not in made:
            context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            made[persona] = Visit(page, server_url)
            if VISITORS[persona]:
                log_in(made[persona], VISITORS[persona])
        return made[persona]

    yield visit_as
    for context in contexts:
        context.close()


def is_html_page(response) -> bool:
    content_type = response.headers.get("content-type", "")
    return (
        response.status == 200
        and content_type.startswith("text/html")
        and response.text().lstrip()[:15].lower() == "<!doctype html>"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ROUTES)
def test_every_page_has_no_axe_violation(visits, demo_objects, name, width):
    persona = visitor_for(name)
    visit = visits(persona)
    path = url_for(name, PARAMS[name], MATRIX[name], demo_objects)
    answer = visit.page.request.get(visit.base_url + path, max_redirects=0)
    if not is_html_page(answer):
        pytest.skip(f"{path} n'est pas une page HTML ({answer.status} {answer.headers.get('content-type')})")
    visit.page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    visit.console_errors.clear()
    response = visit.goto(path)
    assert response.status == 200, f"{path} ({persona}) → {response.status}"
    violations = Axe().run(visit.page, options=AXE_OPTIONS).response["violations"]
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    if violations and name in KNOWN_ELSEWHERE:
        pytest.xfail(KNOWN_ELSEWHERE[name])
    assert not violations, f"{path} ({persona}, {width} px): {json.dumps(summary, ensure_ascii=False)}"
    assert visit.console_errors == [], f"{path}: {visit.console_errors}"
    assert visit.page.locator("h1").count() == 1, f"{path}: une seule h1 par page"
    assert visit.external_requests == []
