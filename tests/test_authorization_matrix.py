"""Authorisation matrix: every URL of the project × every persona → the expected HTTP status.

URLs are discovered from the URL resolver, so a page added without an entry in MATRIX fails
`test_every_url_has_an_entry`. Path parameters are filled with objects of structure A (its structure,
site, service, a referral it received, a contact request to its site): the adviser of structure B must
never reach them. Région staff have a verified second factor, as the middleware requires.

Statuses: an int, LOGIN (302 to the login page), DENIED (403 or 404: the object is hidden either way)
or ADMIN_LOGIN (302 to the Django admin's login). Every URL is requested with GET; pages that act on a
POST are also posted to, without data: refused before anything is written, or, for someone allowed,
answered with a form error (200), a redirect (302), or, for a creating form posted without its one-time
token (spro.core.guards), the form re-displayed with a French message (400).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from spro.accounts.models import Invitation
from spro.directory.models import Membership, Network
from tests.accounts import factories as accounts
from tests.conftest import data_shared_by_the_scope
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db

LOGIN = "302 vers la connexion"
ADMIN_LOGIN = "302 vers la connexion de l'administration"
DENIED = "403 ou 404"
SECOND_FACTOR = "302 vers la double authentification"

PERSONAS = ["anonyme", "admin_a", "conseiller_a", "conseiller_b", "instructeur", "admin_region"]


@dataclass
class Entry:
    statuses: dict  # for a GET
    post: dict | None = None  # for a POST without data, when the page acts on POST
    kwargs: dict = field(default_factory=dict)  # values that are not object ids (slugs…)
    query: str = ""  # a query string the page needs to answer


def statuses(values) -> dict:
    return dict(zip(PERSONAS, values, strict=True))


def row(
    anonyme, admin_a, conseiller_a, conseiller_b, instructeur, admin_region, post=None, query="", **kwargs
):
    values = [anonyme, admin_a, conseiller_a, conseiller_b, instructeur, admin_region]
    return Entry(statuses(values), post=statuses(post) if post else None, kwargs=kwargs, query=query)


def everyone(status, **kwargs):
    return row(*[status] * len(PERSONAS), **kwargs)


PUBLIC = everyone(200)
ATTESTATION = "SPRO-76-2026-MATR1X00"
LOGGED_IN = row(LOGIN, 200, 200, 200, 200, 200)
REGION_STAFF = row(LOGIN, 403, 403, 403, 200, 200)
REGION_ADMIN = row(LOGIN, 403, 403, 403, 403, 200)
INSTRUCTION_POST = (LOGIN, 403, 403, 403, 400, 400)
INSTRUCTION_ACTION = row(LOGIN, 403, 403, 403, 405, 405, post=INSTRUCTION_POST)

MATRIX: dict[str, Entry] = {
    # Public portal
    "portal:home": PUBLIC,
    "portal:commune_suggestions": PUBLIC,
    "portal:accessibility": PUBLIC,
    "portal:privacy": PUBLIC,
    "portal:legal": PUBLIC,
    "portal:api": PUBLIC,
    "health": PUBLIC,  # /sante/: « ok » or 503, nothing else
    "annuaire:search": PUBLIC,
    "annuaire:site": PUBLIC,
    "aiguillage:start": PUBLIC,
    # Answers are posted (all skipped here: a redirect to the answer); GET shows a shared result.
    "aiguillage:answer": everyone(
        200, query="reseau=mission-locale&commune=31555", post=(303, 303, 303, 303, 303, 303)
    ),
    "aiguillage:forget": everyone(405, post=(303, 303, 303, 303, 303, 303)),
    "aiguillage:contact": PUBLIC,
    "aiguillage:contact_sent": PUBLIC,
    # Métiers (ROME): public; the project form is posted (nothing stored) and answered at once.
    "metiers:index": PUBLIC,
    "metiers:suggestions": PUBLIC,
    "metiers:domain": everyone(200, code="D11"),
    "metiers:occupation": everyone(200, code="D1102", post=(200, 200, 200, 200, 200, 200)),
    # Accounts: logged-in people are sent on from the login page.
    "accounts:login": row(200, 302, 302, 302, 302, 302),
    "accounts:second_factor": row(302, 302, 302, 302, 302, 302),  # nothing pending: back to login / home
    "accounts:proconnect_login": everyone(404),  # ProConnect is not configured in the tests
    "accounts:proconnect_callback": everyone(404),
    "accounts:logout": everyone(405),
    "accounts:account": LOGGED_IN,
    "accounts:password_change": LOGGED_IN,
    # Members without a device may enrol; people who have one are sent to the account page.
    "accounts:second_factor_setup": row(302, 200, 200, 200, 302, 302),
    "accounts:second_factor_disable": row(LOGIN, 405, 405, 405, 405, 405),
    "accounts:recovery_codes_regenerate": row(LOGIN, 405, 405, 405, 405, 405),
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,  # an invalid link says so
    "accounts:password_reset_complete": PUBLIC,
    # An invitation's link: an unknown token is refused to everyone, with a French page.
    "accounts:invitation": everyone(404, post=[404] * len(PERSONAS), token="lien-inconnu"),
    # Professional space
    "pro:home": LOGGED_IN,
    # Open-data API
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": everyone(404),
    "api:list_communes": everyone(200, query="q=toulouse"),
    "api:list_lieux": everyone(200, query="commune=31555"),
    "api:export_csv": PUBLIC,
    "api:export_geojson": PUBLIC,
    "api:get_lieu": PUBLIC,
    "api:aiguiller": everyone(405),
    "api:list_membres": PUBLIC,
    "api:export_membres_csv": PUBLIC,
    # Anyone checks an attestation from its reference (structure A's label), and downloads it.
    "attestations:check": everyone(200, reference=ATTESTATION),
    "attestations:pdf": everyone(200, reference=ATTESTATION),
    # Labelling, the applicant's side: members of the structure and Région staff read; acting on the
    # dossier is for the structure's administrators; another structure's adviser gets a 404.
    "labellisation:index": LOGGED_IN,
    "labellisation:overview": row(LOGIN, 200, 200, 404, 200, 200),
    "labellisation:application": row(LOGIN, 200, 200, 404, 200, 200),
    "labellisation:step": row(LOGIN, 200, 200, 404, 200, 200, section="presentation"),
    "labellisation:attachments": row(LOGIN, 200, 200, 404, 200, 200),
    "labellisation:download": row(LOGIN, 200, 200, 404, 200, 200),
    "labellisation:start": row(LOGIN, 200, 403, 404, 403, 403),
    "labellisation:adhesion": row(LOGIN, 200, 403, 404, 403, 403),
    "labellisation:report": row(LOGIN, 200, 200, 404, 200, 200),
    "labellisation:submit": row(LOGIN, 405, 405, 405, 405, 405),
    "labellisation:complete": row(LOGIN, 405, 405, 405, 405, 405),
    # Directory records of a structure (espace-pro/structures): members of the structure; the Région
    # reads every structure, its administrators edit them; the structure's administrator alone edits
    # the structure itself, advisers edit its sites and services.
    "structures:list": LOGGED_IN,
    "structures:detail": row(LOGIN, 200, 200, DENIED, 200, 200),
    "structures:history": row(LOGIN, 200, 200, DENIED, 200, 200),
    "structures:edit": row(LOGIN, 200, 403, DENIED, 403, 200, post=(LOGIN, 200, 403, DENIED, 403, 200)),
    "structures:site_create": row(
        LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 400, 400, DENIED, 403, 400)
    ),
    "structures:remote_create": row(
        LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 400, 400, DENIED, 403, 400)
    ),
    "structures:site_edit": row(LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 200, 200, DENIED, 403, 200)),
    "structures:service_create": row(
        LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 400, 400, DENIED, 403, 400)
    ),
    "structures:service_edit": row(
        LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 200, 200, DENIED, 403, 200)
    ),
    "structures:site_toggle": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 302, 302, DENIED, 403, 302)),
    "structures:service_toggle": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 302, 302, DENIED, 403, 302)
    ),
    "structures:confirm": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 302, 403, DENIED, 403, 302), kind="structure"
    ),  # "toujours exact" on the structure itself, like editing it: its administrators and the Région's
    "structures:hours_preview": LOGGED_IN,
    "structures:postal_code_communes": row(LOGIN, 200, 200, 200, 200, 200, query="postal_code=31000"),
    "structures:members": row(LOGIN, 200, 200, DENIED, 200, 200, post=(LOGIN, 400, 403, DENIED, 403, 400)),
    "structures:member_change": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 302, 403, DENIED, 403, 302)),
    "structures:invitation_change": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 302, 403, DENIED, 403, 302)
    ),
    # Referrals and contact requests: members of the structures concerned only; the Région sees
    # indicators and the access log, never the people's files.
    "orientations:received": row(LOGIN, 200, 200, 200, 403, 403),
    "orientations:sent": row(LOGIN, 200, 200, 200, 403, 403),
    "orientations:new": row(LOGIN, 200, 200, 200, 403, 403, post=(LOGIN, 400, 400, 400, 403, 403)),
    "orientations:detail": row(LOGIN, 200, 200, DENIED, 403, 403),
    "orientations:transition": row(
        405, 405, 405, 405, 405, 405, post=(LOGIN, 302, 302, DENIED, 403, 403), name="accepter"
    ),
    "orientations:contact_requests": row(LOGIN, 200, 200, 200, 403, 403),
    "orientations:contact_request": row(LOGIN, 200, 200, DENIED, 403, 403),
    "orientations:contact_request_transition": row(
        405, 405, 405, 405, 405, 405, post=(LOGIN, 302, 302, DENIED, 403, 403), name="traiter"
    ),
    # Région back office: instructors read, administrators also create and edit.
    "region:home": REGION_STAFF,
    "region:networks": REGION_STAFF,
    "region:structures": REGION_STAFF,
    "region:stale": REGION_STAFF,
    "membres:dashboard": REGION_STAFF,
    "membres:list": REGION_STAFF,
    "membres:charters": REGION_STAFF,
    "membres:reports": REGION_STAFF,
    "region:network_create": row(LOGIN, 403, 403, 403, 403, 200, post=(LOGIN, 403, 403, 403, 403, 400)),
    "region:network_edit": row(LOGIN, 403, 403, 403, 403, 200, post=(LOGIN, 403, 403, 403, 403, 200)),
    "region:structure_create": row(LOGIN, 403, 403, 403, 403, 200, post=(LOGIN, 403, 403, 403, 403, 400)),
    "region_orientations:indicators": REGION_STAFF,
    "region_orientations:audit_log": REGION_ADMIN,
    "region_orientations:person_requests": REGION_ADMIN,
    # Committee sessions (/region/comites/): Région staff plan sessions, put dossiers on the agenda,
    # record opinions and the minutes; the forms that write carry a one-time token (400 without).
    "comites:index": REGION_STAFF,
    "comites:create": row(LOGIN, 403, 403, 403, 200, 200, post=(LOGIN, 403, 403, 403, 400, 400)),
    "comites:session": REGION_STAFF,
    "comites:agenda_add": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "comites:opinion": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "comites:minutes": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "comites:minutes_pdf": REGION_STAFF,
    # Regional bodies (issue 16): a body's page (rhythm, members, sessions, avis on texts), the avis a
    # session gives on a text, and the Cité des métiers tiers of Occitanie (SPRO_REGION=76).
    "comites:text_opinion": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "comites:body": row(LOGIN, 403, 403, 403, 200, 200, code="copil-spro"),
    "comites:member_add": row(
        LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400), code="copil-spro"
    ),
    "comites:member_leave": row(
        LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400), code="copil-spro"
    ),
    "comites:tiers": REGION_STAFF,
    "comites:tier_assign": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    # Agenda (issue 20): public pages and feeds; an event of structure A takes registrations (a post
    # without its one-time token is refused, 400). Members of the structure publish, edit, cancel; the
    # attendees (personal data) are for its members only; the Région moderates.
    "agenda:index": PUBLIC,
    "agenda:feed": PUBLIC,
    "agenda:structure_feed": PUBLIC,
    "agenda:event": everyone(200, post=[400] * len(PERSONAS)),
    "agenda:event_ics": PUBLIC,
    "agenda:registered": PUBLIC,
    # A member's private feed: an unknown token is a 404 for everyone, session or not.
    "agenda:pro_feed": everyone(404, token="jeton-inconnu-" + "x" * 30),
    "agenda_pro:index": LOGGED_IN,
    "agenda_pro:calendar": LOGGED_IN,
    "agenda_pro:feed_token": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 400, 400, 400, 400, 400)),
    "agenda_pro:create": row(LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 400, 400, DENIED, 403, 400)),
    "agenda_pro:edit": row(LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 422, 422, DENIED, 403, 422)),
    "agenda_pro:cancel": row(LOGIN, 200, 200, DENIED, 403, 200, post=(LOGIN, 422, 422, DENIED, 403, 422)),
    "agenda_pro:attendees": row(LOGIN, 200, 200, DENIED, 403, 403),
    "agenda_region:moderation": REGION_STAFF,
    "agenda_region:moderate": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 422, 422)),
    "api:list_evenements": PUBLIC,
    # Territorial coverage: open data by département; the Région's page with the white zones.
    "api:get_couverture": PUBLIC,
    "couverture:page": REGION_STAFF,
    # Instruction of labelling dossiers (/region/labellisation/): Région staff only; each action is a
    # POST with its one-time token (without it: the dossier again, 400).
    "instruction:queue": REGION_STAFF,
    "instruction:dossier": REGION_STAFF,
    "instruction:start": INSTRUCTION_ACTION,
    "instruction:check": row(
        *INSTRUCTION_ACTION.statuses.values(), post=INSTRUCTION_POST, criterion="tous-publics"
    ),
    "instruction:complement": INSTRUCTION_ACTION,
    "instruction:decision": INSTRUCTION_ACTION,
    "instruction:withdraw": INSTRUCTION_ACTION,
    # The reception log (espace-pro/activite): members of a structure, for their own structure; an entry
    # is corrected by whoever recorded it (conseiller_a) and the structure's administrators; the Région
    # reads the masked indicators (region/activite), never the log.
    "activite:log": row(LOGIN, 200, 200, 200, 403, 403),
    "activite:new": row(LOGIN, 200, 200, 200, 403, 403, post=(LOGIN, 400, 400, 400, 403, 403)),
    "activite:group": row(LOGIN, 200, 200, 200, 403, 403, post=(LOGIN, 400, 400, 400, 403, 403)),
    "activite:import": row(LOGIN, 200, 200, 200, 403, 403, post=(LOGIN, 400, 400, 400, 403, 403)),
    "activite:edit": row(LOGIN, 200, 200, DENIED, 403, 403, post=(LOGIN, 422, 422, DENIED, 403, 403)),
    "activite:delete": row(LOGIN, 200, 200, DENIED, 403, 403, post=(LOGIN, 422, 422, DENIED, 403, 403)),
    "activite:indicators": row(LOGIN, 200, 200, 200, 403, 403),
    "region_activite:indicators": REGION_STAFF,
    "api:list_activite": PUBLIC,
    "api:export_activite_csv": PUBLIC,
    # Vie du réseau (issue 16): members of any structure and the Région's staff, never the public. A
    # profile is read once its owner consented (conseiller_a's is listed); one's own profile is for
    # members of a structure; the référent SPRO is designated by the structure's administrators.
    "professionnels:directory": row(LOGIN, 200, 200, 200, 200, 200),
    "professionnels:my_profile": row(LOGIN, 200, 200, 200, 403, 403, post=(LOGIN, 302, 302, 302, 403, 403)),
    "professionnels:profile": row(LOGIN, 200, 200, 200, 200, 200),
    "professionnels:structure": row(LOGIN, 200, 200, 200, 200, 200),
    "professionnels:referent": row(
        LOGIN, 200, 403, DENIED, 403, 200, post=(LOGIN, 400, 403, DENIED, 403, 400)
    ),
    "region_professionnels:referents": REGION_STAFF,
    # Trainings: a Région session where conseiller_a is registered, and a past one they attended (its
    # attestation). The Région organises (attendance, cancellation); registering takes a one-time token.
    "formations:catalogue": row(LOGIN, 200, 200, 200, 200, 200),
    "formations:create": row(LOGIN, 200, 403, 403, 200, 200, post=(LOGIN, 400, 403, 403, 400, 400)),
    "formations:mine": row(LOGIN, 200, 200, 200, 200, 200),
    "formations:detail": row(LOGIN, 200, 200, 200, 200, 200),
    "formations:register": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 400, 400, 400, 400, 400)),
    "formations:attendance": row(LOGIN, 403, 403, 403, 200, 200, post=(LOGIN, 403, 403, 403, 400, 400)),
    "formations:cancel": row(LOGIN, 403, 403, 403, 200, 200, post=(LOGIN, 403, 403, 403, 422, 422)),
    "formations:cancel_registration": row(
        LOGIN, 200, 200, DENIED, DENIED, DENIED, post=(LOGIN, 302, 302, DENIED, DENIED, DENIED)
    ),
    "formations:attestation": row(LOGIN, 200, 200, DENIED, 200, 200),
    "formations:structure": row(LOGIN, 200, 200, DENIED, 200, 200),
    "region_formations:index": REGION_STAFF,
    # Network news: members read, the Région's staff publish (with a one-time token: 400 without).
    "actualites:index": row(LOGIN, 200, 200, 200, 200, 200),
    "actualites:create": row(LOGIN, 403, 403, 403, 200, 200, post=(LOGIN, 403, 403, 403, 400, 400)),
    # The weekly digest: each member subscribes (an empty post is a form error); attachments: members.
    "actualites:digest": row(LOGIN, 200, 200, 200, 200, 200, post=(LOGIN, 422, 422, 422, 422, 422)),
    "actualites:attachment": row(LOGIN, 200, 200, 200, 200, 200),
    # Resources library: the list is public; the resource here is structure A's, for members only (a
    # public one is read by anyone: tests/network/test_resources.py). Members publish (with a one-time
    # token: 400 without); structure A's members and the Région withdraw it; the Région validates.
    "ressources:index": PUBLIC,
    "ressources:detail": row(LOGIN, 200, 200, 200, 200, 200),
    "ressources:download": row(LOGIN, 200, 200, 200, 200, 200),
    "ressources_pro:index": row(LOGIN, 200, 200, 200, 200, 200),
    "ressources_pro:create": row(LOGIN, 200, 200, 200, 200, 200, post=(LOGIN, 400, 400, 400, 400, 400)),
    "ressources_pro:withdraw": row(
        LOGIN, 200, 200, DENIED, 200, 200, post=(LOGIN, 422, 422, DENIED, 422, 422)
    ),
    "region_ressources:index": REGION_STAFF,
    "region_ressources:moderate": row(LOGIN, 403, 403, 403, 405, 405, post=(LOGIN, 403, 403, 403, 422, 422)),
    # Local coordination: structure A is a member of the committee, B is not; A is its coordinator.
    "territoires:index": row(LOGIN, 200, 200, 200, 200, 200),
    "territoires:committee": row(LOGIN, 200, 200, DENIED, 200, 200),
    "territoires:report": row(LOGIN, 200, 200, DENIED, 200, 200, post=(LOGIN, 400, 400, DENIED, 400, 400)),
    "territoires:vote": row(LOGIN, 200, 200, DENIED, 200, 200, post=(LOGIN, 400, 400, DENIED, 400, 400)),
    "territoires:document": row(LOGIN, 200, 200, DENIED, 200, 200),
    "region_territoires:index": REGION_STAFF,
    "region_territoires:committee": REGION_STAFF,
    "region_territoires:meeting": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "region_territoires:notice": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "region_territoires:create": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "region_territoires:policy": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
    "region_territoires:member_add": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "region_territoires:member_leave": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "region_territoires:convention_sign": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "region_territoires:convention_document": row(
        LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)
    ),
    "region_territoires:remedy": row(LOGIN, 405, 405, 405, 405, 405, post=(LOGIN, 403, 403, 403, 400, 400)),
}


# Fixtures: structure A (and what belongs to it), structure B, and the personas.


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, with each persona's session: each test runs in its own savepoint, so what
    its requests write (to the data or to a session) is undone before the next."""
    with data_shared_by_the_scope(django_db_blocker, tmp_path_factory):
        objects, personas = build_world()
        yield objects, personas, sessions_of(personas)


def build_world():
    # Distinct ids per kind of object, so that a URL filled with the wrong kind of id cannot pass.
    a = directory.structure("cio", name="CIO A", pk=1001)
    b = directory.structure("mission-locale", name="Mission locale B", pk=1002)
    c = directory.structure("france-travail", name="Agence C", pk=1003)
    service = {"pk": 3001, "name": "Accueil", "needs": ["orientation-scolaire"], "publics": ["tous-publics"]}
    site_a = directory.site("Lieu A", structure_obj=a, pk=2001, services=[service])
    directory.site("Lieu B", structure_obj=b, pk=2002)
    _occupation()
    objects = {
        "structure": a,
        "site": site_a,
        "service": site_a.services.get(),
        "network": Network.objects.get(pk=a.network_id),
        "referral": _referral(sender=c, site=site_a),
        "contact_request": _contact_request(site_a),
    }
    personas = {
        "anonyme": None,
        "admin_a": accounts.member(a, "admin@a.test", role=Membership.Role.ADMIN),
        "conseiller_a": accounts.member(a, "conseiller@a.test"),
        "conseiller_b": accounts.member(b, "conseiller@b.test"),
        "instructeur": accounts.region_instructor(),
        "admin_region": accounts.region_admin(),
    }
    objects["label"] = _label(a, personas["admin_a"])
    objects.update(_labelling(a, objects["label"], personas["admin_a"]))
    objects["committee_session"] = _committee_session(objects["application"], personas["instructeur"])
    objects["body_member"] = _body_member(objects["committee_session"].committee, personas["instructeur"])
    objects["membership"] = Membership.objects.get(user=personas["conseiller_a"])
    objects["event"] = _event(a)
    objects["reception"] = _reception(site_a, personas["conseiller_a"])
    objects.update(_network(a, personas["conseiller_a"]))
    objects.update(_coordination(a, personas["admin_a"]))
    objects["invitation"] = Invitation.objects.create(
        structure=a,
        email="invitee@a.test",
        role=Membership.Role.ADVISER,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return objects, personas


def _occupation():
    """One ROME fiche and its main job title (the métier pages read D1102)."""
    from spro.metiers.models import JobTitle, Occupation

    baker, _ = Occupation.objects.get_or_create(
        code="D1102", defaults={"label": "Boulanger / Boulangère", "grand_domaine": "D", "domain": "D11"}
    )
    JobTitle.objects.get_or_create(
        ogr_code="11573",
        defaults={
            "label": "Boulanger / Boulangère",
            "occupation": baker,
            "is_main": True,
            "search_text": " boulanger boulangere",
        },
    )


def _event(structure):
    """An upcoming event of structure A that takes registrations on spro, with one person registered."""
    from spro.events import workflow
    from spro.events.models import Event, Registration

    start = timezone.now() + timedelta(days=30)
    event = workflow.publish(
        Event(
            pk=7001,
            structure=structure,
            title="Forum de la matrice",
            kind="forum",
            start=start,
            end=start + timedelta(hours=3),
            commune_id=directory.TOULOUSE,
            registration=Registration.SPRO,
            capacity=10,
        )
    )
    workflow.register(event, "Personne Test", "personne@matrice.test", consent=True)
    return event


def _network(structure, person):
    """conseiller_a's listed profile, a Région session they are registered to, one they attended."""
    from spro.network.models import ProfessionalProfile, Training, TrainingRegistration

    profile = ProfessionalProfile.objects.filter(user=person).first() or ProfessionalProfile.objects.create(
        pk=8001, user=person, consented_at=timezone.now(), shown=["fonction"], function="Conseiller"
    )
    start = timezone.now() + timedelta(days=20)
    values = {"objectives": "Connaître le réseau.", "audience": "Conseillers", "axis": "aiguillage"}
    training = Training.objects.filter(pk=8101).first() or Training.objects.create(
        pk=8101,
        title="Formation de la matrice",
        start=start,
        end=start + timedelta(hours=3),
        place="Hôtel de Région",
        capacity=10,
        **values,
    )
    registration = TrainingRegistration.objects.filter(
        pk=8201
    ).first() or TrainingRegistration.objects.create(
        pk=8201, training=training, user=person, structure=structure, state="inscrit", registered_by=person
    )
    past = Training.objects.filter(pk=8102).first() or Training.objects.create(
        pk=8102,
        title="Formation passée de la matrice",
        start=start - timedelta(days=60),
        end=start - timedelta(days=60) + timedelta(hours=3),
        place="Hôtel de Région",
        capacity=10,
        **values,
    )
    attended = TrainingRegistration.objects.filter(pk=8202).first() or TrainingRegistration.objects.create(
        pk=8202,
        training=past,
        user=person,
        structure=structure,
        state="inscrit",
        registered_by=person,
        attended=True,
        attestation_reference="FORM-76-2026-MATR1X00",
    )
    return {
        "profile": profile,
        "training": training,
        "registration": registration,
        "attended_registration": attended,
        **_library(structure, person),
    }


def _library(structure, person):
    """Structure A's members-only resource (a PDF), and a news item of the Région with an attachment."""
    from django.core.files.base import ContentFile

    from spro.network.models import NewsAttachment, NewsItem, Resource

    content = b"%PDF-1.4\n%ressource de la matrice\n"
    resource = Resource.objects.filter(pk=8301).first()
    if resource is None:
        resource = Resource(
            pk=8301,
            title="Guide de la matrice",
            summary="Un guide réservé aux membres.",
            kind="guide",
            visibility="membres",
            structure=structure,
            state="publiee",
            published_at=timezone.now(),
            original_name="guide.pdf",
            file_kind="pdf",
            size=len(content),
            sha256="1" * 64,
            created_by=person,
        )
        resource.file.save("guide.pdf", ContentFile(content), save=True)
    news = NewsItem.objects.filter(pk=8401).first() or NewsItem.objects.create(
        pk=8401, title="Actualité de la matrice", body="Un compte rendu à lire."
    )
    attachment = NewsAttachment.objects.filter(pk=8501).first()
    if attachment is None:
        attachment = NewsAttachment(
            pk=8501,
            news=news,
            original_name="compte-rendu.pdf",
            kind="pdf",
            size=len(content),
            sha256="2" * 64,
        )
        attachment.file.save("compte-rendu.pdf", ContentFile(content), save=True)
    return {"resource": resource, "news_attachment": attachment}


def _coordination(structure, admin):
    """A committee of Haute-Garonne with structure A as member and coordinator, its convention under a
    notice, a meeting with its minutes uploaded, and the year's designation open."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from spro.network import coordination
    from spro.network.models import CoordinationPolicy, CoordinationTerritory

    CoordinationPolicy.objects.update_or_create(region_code="76", defaults={"grid": "departement"})
    territory = CoordinationTerritory.objects.create(
        region_code="76", code="matrice-31", name="Haute-Garonne", kind="departement", reference="31"
    )
    local = coordination.create_committee(territory)
    today = timezone.localdate()
    member = coordination.add_member(local, structure, today - timedelta(days=400))
    local.coordinator = structure
    local.save()
    convention = coordination.sign_convention(local, "CCL-MATRICE", today - timedelta(days=400))
    notice = coordination.send_notice(convention, None, today, "RAR-MATRICE", "Manquement de la matrice.")
    meeting = coordination.record_meeting(local, today - timedelta(days=30), "Ordre du jour", admin)
    minutes = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4\n%matrice\n")
    document = coordination.attach(minutes, "compte-rendu", admin, meeting=meeting)
    designation = coordination._open(local, today.year, 1, today)
    return {
        "local_committee": local,
        "committee_member": member,
        "convention": convention,
        "notice": notice,
        "coordination_document": document,
        "designation": designation,
    }


def _referral(sender, site):
    from spro.referrals.models import Referral

    return Referral.objects.create(
        pk=4001,
        sender_structure=sender,
        from_network=sender.network.code,
        to_site=site,
        to_structure=site.structure,
        to_network=site.structure.network.code,
        need="orientation-scolaire",
        mode=Referral.Mode.APPOINTMENT,
        consent_kind=Referral.Consent.ORAL,
        consent_at=timezone.now(),
        person_name="Personne Test",
        person_phone="06 00 00 00 00",
    )


def _label(structure, admin):
    from datetime import date

    from spro.labels.models import Application, Decision, Label, LabelPolicy

    policy = LabelPolicy.objects.in_force("76")
    application = Application.objects.create(
        structure=structure,
        region_code="76",
        policy=policy,
        volets=["spro"],
        state="accorde",
        created_by=admin,
    )
    decision = Decision.objects.create(
        application=application,
        outcome="accorde",
        decided_on=date(2026, 5, 12),
        decided_by_body="Région Occitanie",
        attestation_reference=ATTESTATION,
    )
    return Label.objects.create(
        structure=structure,
        region_code="76",
        decision=decision,
        policy=policy,
        volets=["spro"],
        valid_from=date(2026, 5, 12),
        valid_until=date(2027, 12, 31),
    )


def _labelling(structure, label, admin):
    """A draft dossier of the structure with one attachment, the current charter, a report due."""
    from datetime import date

    from django.core.files.base import ContentFile

    from spro.labels.models import AnnualReport, Application, Attachment, Charter, LabelPolicy

    application = Application.objects.create(
        pk=6001,
        structure=structure,
        region_code="76",
        policy=LabelPolicy.objects.in_force("76"),
        volets=["spro"],
        created_by=admin,
    )
    content = b"%PDF-1.4\n%matrice\n"
    attachment = Attachment(
        pk=6101,
        application=application,
        code="statuts",
        original_name="statuts.pdf",
        kind="pdf",
        size=len(content),
        sha256="0" * 64,
        uploaded_by=admin,
    )
    attachment.file.save("statuts.pdf", ContentFile(content), save=True)
    # The charter and the report may already exist where the demo was loaded (the browser walk).
    charter = Charter.objects.filter(region_code="76", version=1).first() or Charter.objects.create(
        pk=6201, region_code="76", version=1, title="Charte SPRO", adopted_on=date(2026, 1, 15)
    )
    report = AnnualReport.objects.filter(label=label, year=2026).first() or AnnualReport.objects.create(
        pk=6301, label=label, year=2026, due_on=date(2027, 3, 31)
    )
    return {"application": application, "attachment": attachment, "charter": charter, "report": report}


def _committee_session(application, instructor):
    """A session of the COPIL SPRO with the structure's dossier on its agenda."""
    from datetime import date

    from spro.labels.models import AgendaItem, Committee, CommitteeSession

    committee, _ = Committee.objects.get_or_create(
        region_code="76", code="copil-spro", defaults={"name": "COPIL SPRO"}
    )
    session = CommitteeSession.objects.create(
        pk=6401, committee=committee, held_on=date(2026, 6, 4), place="Hôtel de Région", created_by=instructor
    )
    AgendaItem.objects.create(session=session, application=application, added_by=instructor)
    return session


def _body_member(committee, instructor):
    """A current member of the COPIL SPRO (the body's page offers to record their departure)."""
    from datetime import date

    from spro.labels.models import CommitteeMember

    return CommitteeMember.objects.create(
        pk=6501,
        committee=committee,
        name="Membre de la matrice",
        joined_on=date(2026, 1, 5),
        added_by=instructor,
    )


def _reception(site, by):
    """An entry of the reception log of the site's structure, recorded by `by` (not locked yet)."""
    from spro.activity.models import Reception

    values = {"mode": "sur-place", "sexe": "femme", "age_band": "18-25", "statut": "eleve"}
    values |= {"need": "trouver-formation", "answer": "information"}
    return Reception.objects.create(
        pk=7001, structure=site.structure, site=site, date=timezone.localdate(), created_by=by, **values
    )


def _contact_request(site):
    from spro.referrals.models import ContactRequest

    now = timezone.now()
    return ContactRequest.objects.create(
        pk=5001,
        site=site,
        network=site.structure.network.code,
        name="Personne Test",
        phone="06 00 00 00 00",
        consent_at=now,
        consent_text="J'accepte d'être recontacté.",
        purpose="être recontacté",
        retention_days=90,
        erase_after=now + timedelta(days=90),
    )


# Which object fills `pk` (or another id) in each namespace/name.
INSTRUCTION_ACTIONS = ("dossier", "start", "check", "complement", "decision", "withdraw")
OBJECT_FOR = {
    "annuaire:site": {"site_id": "site"},
    "aiguillage:contact": {"site_id": "site"},
    "aiguillage:contact_sent": {"site_id": "site"},
    "api:get_lieu": {"id": "site"},
    "structures:member_change": {"pk": "membership"},
    "structures:invitation_change": {"pk": "invitation"},
    "structures:site_create": {"pk": "structure"},
    "structures:remote_create": {"pk": "structure"},
    "structures:service_create": {"pk": "site"},
    "labellisation:overview": {"pk": "structure"},
    "labellisation:start": {"pk": "structure"},
    "labellisation:adhesion": {"pk": "structure", "charter_id": "charter"},
    "labellisation:application": {"pk": "application"},
    "labellisation:step": {"pk": "application"},
    "labellisation:attachments": {"pk": "application"},
    "labellisation:submit": {"pk": "application"},
    "labellisation:complete": {"pk": "application"},
    "labellisation:download": {"pk": "attachment"},
    "labellisation:report": {"pk": "report"},
    "comites:session": {"pk": "committee_session"},
    "comites:agenda_add": {"pk": "committee_session"},
    "comites:opinion": {"pk": "committee_session", "application_pk": "application"},
    "comites:minutes": {"pk": "committee_session"},
    "comites:minutes_pdf": {"pk": "committee_session"},
    "comites:text_opinion": {"pk": "committee_session"},
    "comites:member_leave": {"pk": "body_member"},
    "agenda:structure_feed": {"pk": "structure"},
    "agenda:event": {"pk": "event"},
    "agenda:event_ics": {"pk": "event"},
    "agenda:registered": {"pk": "event"},
    "agenda_pro:create": {"pk": "structure"},
    "agenda_pro:edit": {"pk": "event"},
    "agenda_pro:cancel": {"pk": "event"},
    "agenda_pro:attendees": {"pk": "event"},
    "agenda_region:moderate": {"pk": "event"},
    **{f"instruction:{name}": {"pk": "application"} for name in INSTRUCTION_ACTIONS},
    "professionnels:profile": {"pk": "profile"},
    "professionnels:structure": {"pk": "structure"},
    "professionnels:referent": {"pk": "structure"},
    **{f"formations:{name}": {"pk": "training"} for name in ("detail", "register", "attendance", "cancel")},
    "formations:cancel_registration": {"pk": "registration"},
    "formations:attestation": {"pk": "attended_registration"},
    "formations:structure": {"pk": "structure"},
    "actualites:attachment": {"pk": "news_attachment"},
    "ressources:detail": {"pk": "resource"},
    "ressources:download": {"pk": "resource"},
    "ressources_pro:withdraw": {"pk": "resource"},
    "region_ressources:moderate": {"pk": "resource"},
    "territoires:committee": {"pk": "local_committee"},
    "territoires:report": {"pk": "local_committee"},
    "territoires:vote": {"pk": "designation"},
    "territoires:document": {"pk": "coordination_document"},
    "region_territoires:committee": {"pk": "local_committee"},
    "region_territoires:meeting": {"pk": "local_committee"},
    "region_territoires:notice": {"pk": "convention"},
    "region_territoires:convention_document": {"pk": "convention"},
    "region_territoires:member_add": {"pk": "local_committee"},
    "region_territoires:member_leave": {"pk": "committee_member"},
    "region_territoires:convention_sign": {"pk": "local_committee"},
    "region_territoires:remedy": {"pk": "notice"},
    "activite:edit": {"pk": "reception"},
    "activite:delete": {"pk": "reception"},
}


def object_for(name: str, param: str, objects: dict):
    explicit = OBJECT_FOR.get(name, {})
    if param in explicit:
        return objects[explicit[param]].pk
    namespace, _, view = name.partition(":")
    if namespace == "structures":
        if view.startswith("site_"):
            return objects["site"].pk
        if view.startswith("service_"):
            return objects["service"].pk
        return objects["structure"].pk
    if namespace == "orientations":
        return objects["contact_request" if view.startswith("contact_request") else "referral"].pk
    if namespace == "region":
        return objects["network" if view.startswith("network") else "structure"].pk
    if param in {"site_id", "lieu_id"}:
        return objects["site"].pk
    raise KeyError(f"No fixture for the parameter {param!r} of {name}: add it to OBJECT_FOR.")


# Discovery


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, list(pattern.pattern.regex.groupindex)


def project_urls():
    """(route, name, parameters) of every URL of the project, the Django admin apart."""
    return [u for u in walk(get_resolver().url_patterns) if not u[0].startswith("admin/")]


def admin_urls():
    return [u for u in walk(get_resolver().url_patterns) if u[0].startswith("admin/")]


def url_for(name: str, params: list[str], entry: Entry, objects: dict) -> str:
    if name == "accounts:password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "jeton-invalide"})
    kwargs = {}
    for param in params:
        kwargs[param] = entry.kwargs[param] if param in entry.kwargs else object_for(name, param, objects)
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{entry.query}" if entry.query else url


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        accounts.login_verified(client, person)
    return client


def sessions_of(personas: dict) -> dict:
    """The cookies of each persona's session (none for the anonymous one), opened once for the module."""
    return {persona: client_for(person).cookies for persona, person in personas.items()}


def client_of(persona: str, sessions: dict) -> Client:
    """A new client on the persona's session: no cookie left by an earlier request."""
    client = Client()
    for name, morsel in sessions[persona].items():
        client.cookies[name] = morsel.value
    return client


def matches(expected, response) -> bool:
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith(reverse("accounts:login"))
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith("/admin/login/")
    if expected == SECOND_FACTOR:
        return response.status_code == 302 and "/double-authentification/" in location
    if expected == DENIED:
        return response.status_code in {403, 404}
    return response.status_code == expected


def describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


# Tests


def test_every_url_has_an_entry():
    names = {name for _, name, _ in project_urls()}
    missing = sorted(names - set(MATRIX))
    assert not missing, (
        "Pages sans entrée dans la matrice d'autorisations : ajoutez-les à MATRIX dans "
        f"tests/test_authorization_matrix.py avec le statut attendu pour chaque persona : {missing}"
    )
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"Entrées de MATRIX qui ne correspondent plus à aucune URL : {stale}"


@pytest.mark.parametrize("route,name,params", project_urls(), ids=[u[1] or u[0] for u in project_urls()])
def test_each_persona_gets_the_expected_status(world, route, name, params):
    objects, _personas, sessions = world
    entry = MATRIX.get(name)
    if entry is None:
        pytest.fail(f"{name} ({route}) n'a pas d'entrée dans MATRIX : ajoutez-la.")
    url = url_for(name, params, entry, objects)
    wrong = []
    for method, expectations in (("GET", entry.statuses), ("POST", entry.post)):
        for persona, expected in (expectations or {}).items():
            client = client_of(persona, sessions)
            response = client.post(url) if method == "POST" else client.get(url)
            if not matches(expected, response):
                wrong.append(f"{method} {persona}: attendu {expected}, obtenu {describe(response)}")
    assert not wrong, f"{url}\n" + "\n".join(wrong)


# The Django admin: technical staff only, with a verified second factor.

ADMIN_SAMPLE_PARAMS = {"app_label": "accounts"}


def admin_sample():
    """Every admin page without parameters (index, change lists, add forms…) and the app indexes."""
    sample = []
    for _route, name, params in admin_urls():
        if name in {
            "admin:logout",
            "admin:login",
            "admin:view_on_site",
            "admin:jsi18n",
            "admin:autocomplete",
        }:
            continue
        if all(p in ADMIN_SAMPLE_PARAMS for p in params):
            sample.append((name, reverse(name, kwargs={p: ADMIN_SAMPLE_PARAMS[p] for p in params})))
    return sample


def _addable(name: str) -> bool:
    """Add pages of read-only models (audit logs, rule sets…) answer 403 even to a superuser."""
    if not name.endswith("_add"):
        return True
    for model, model_admin in admin.site._registry.items():
        if name == f"admin:{model._meta.app_label}_{model._meta.model_name}_add":
            request = RequestFactory().get("/admin/")
            request.user = SimpleNamespace(is_active=True, is_staff=True, has_perm=lambda perm: True)
            return model_admin.has_add_permission(request)
    return True


def test_the_admin_is_for_verified_staff_only(world):
    _objects, _personas, sessions = world
    staff = accounts.user("tech@region.test", is_staff=True, is_superuser=True)
    sample = admin_sample()
    assert len(sample) >= 15
    wrong = []
    for name, url in sample:
        for persona in PERSONAS:
            response = client_of(persona, sessions).get(url)
            if not matches(ADMIN_LOGIN, response):
                wrong.append(f"{url} {persona}: attendu {ADMIN_LOGIN}, obtenu {describe(response)}")
        response = client_for(staff).get(url)
        expected = 200 if _addable(name) else 403
        if response.status_code != expected:
            wrong.append(f"{url} staff: attendu {expected}, obtenu {describe(response)}")
        unverified = Client()
        unverified.force_login(staff)
        if not matches(SECOND_FACTOR, unverified.get(url)):
            wrong.append(f"{url} staff sans double authentification : attendu {SECOND_FACTOR}")
    assert not wrong, "\n".join(wrong)
