"""A double click on a creating form, or a replay of its post, creates once (spro.core.guards).

The second post with the same token writes nothing, sends nothing, and is redirected where the
first one led, with a French message; a post without a valid token re-displays the form.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from spro.core.guards import ALREADY_SENT_MESSAGE, EXPIRED_MESSAGE
from spro.directory.models import Network
from tests.accounts import factories as accounts
from tests.forms import form_token, post_form
from tests.referrals.factories import world as referral_world
from tests.routing.factories import site as routing_site
from tests.www.structures.factories import login
from tests.www.structures.factories import world as directory_world

pytestmark = pytest.mark.django_db

APOSTROPHE = "&#x27;"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict:
    # Counters and used tokens are the guard's own bookkeeping, not something the form creates.
    skip = {"core.RateCounter", "core.UsedFormToken", "sessions.Session"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label not in skip}


@dataclass
class Case:
    url: str
    data: dict
    model: str  # what one submission creates


def contact_request(client) -> Case:
    place = routing_site("mission-locale", needs=["trouver-un-emploi"], offset_km=1)
    url = f"/trouver-mon-interlocuteur/contact/{place.pk}/?age=20&statut=sans-activite&besoin=trouver-emploi"
    return Case(
        url, {"name": "Camille", "email": "camille@example.org", "consent": "on"}, "referrals.ContactRequest"
    )


def referral(client) -> Case:
    w = referral_world()
    client.force_login(w.alice)
    step_one = {
        "etape": "situation",
        "structure": w.structure_a.pk,
        "age": 30,
        "statut": "demandeur-emploi",
        "besoin": "trouver-emploi",
        "commune": "Toulouse",
    }
    step_two = post_form(client, "/espace-pro/orientations/nouvelle/", step_one)["Location"]
    data = {
        "to_site": w.site_b.pk,
        "mode": "rendez-vous-demande",
        "consent": "on",
        "consent_kind": "oral",
        "person_name": "Camille",
        "person_phone": "06 12 34 56 78",
    }
    return Case(step_two, data, "referrals.Referral")


def site(client) -> Case:
    w = directory_world()
    login(client, w.alice)
    data = {
        "name": "Antenne de Blagnac",
        "kind": "antenne",
        "address": "3 avenue du Général de Gaulle",
        "postal_code": "31700",
        "commune_name": "Blagnac",
        "phone": "0561000000",
        "opening_hours": "Mo-Fr 09:00-12:00",
        "reception_modes": ["sur-place"],
    }
    return Case(reverse("structures:site_create", args=[w.a.pk]), data, "directory.Site")


def service(client) -> Case:
    w = directory_world()
    login(client, w.alice)
    data = {
        "name": "Conseil en évolution professionnelle",
        "needs": ["conseil-evolution-professionnelle"],
        "publics": ["jeunes-16-25"],
        "access_modes": ["sur-rendez-vous"],
    }
    return Case(reverse("structures:service_create", args=[w.site_a.pk]), data, "directory.Service")


def network(client) -> Case:
    w = directory_world()
    login(client, w.remi)
    data = {"code": "reseau-test", "label": "Réseau test", "membership_kind": "partenaire", "is_active": "on"}
    return Case(reverse("region:network_create"), data, "directory.Network")


def structure(client) -> Case:
    w = directory_world()
    login(client, w.remi)
    data = {"name": "Cap emploi 31", "network": Network.objects.get(code="cap-emploi").pk}
    return Case(reverse("region:structure_create"), data, "directory.Structure")


def password_reset(client) -> Case:
    accounts.user("oubli@structure.test")
    return Case(reverse("accounts:password_reset"), {"email": "oubli@structure.test"}, "")


CASES: dict[str, Callable] = {
    "demande de contact": contact_request,
    "orientation": referral,
    "lieu d'accueil": site,
    "service": service,
    "réseau": network,
    "structure (Région)": structure,
    "mot de passe oublié": password_reset,
}


@pytest.mark.parametrize("name", CASES)
def test_a_double_submit_creates_once_and_the_replay_is_told_so(
    client, django_capture_on_commit_callbacks, name
):
    case = CASES[name](client)
    data = {**case.data, "form_token": form_token(client, case.url)}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(case.url, data)
    assert first.status_code == 302, first.content.decode()[:3000]
    after_first, sent = row_counts(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(case.url, data)
    assert row_counts() == after_first
    assert len(mail.outbox) == sent
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert ALREADY_SENT_MESSAGE.replace("'", APOSTROPHE) in page
    if case.model:
        assert apps.get_model(case.model).objects.count() >= 1


@pytest.mark.parametrize("name", CASES)
def test_a_post_without_a_valid_token_writes_nothing_and_redisplays_the_form(client, settings, name):
    settings.SPRO_FORM_MAX_PER_SESSION = 100  # the public forms' rate limit is tested elsewhere
    case = CASES[name](client)
    form_token(client, case.url)  # the page is shown (and, for the public, its CSRF cookie set)
    before, sent = row_counts(), len(mail.outbox)
    for token in (None, "", "forgé", "a" * 100_000, "x\x00y", issue_forged()):
        data = dict(case.data) if token is None else {**case.data, "form_token": token}
        response = client.post(case.url, data)
        assert response.status_code == 400
        html = response.content.decode()
        assert EXPIRED_MESSAGE.replace("'", APOSTROPHE) in html
        assert 'name="form_token"' in html  # with a fresh token, ready to be sent again
    assert row_counts() == before and len(mail.outbox) == sent


def issue_forged() -> str:
    """A token of the right shape signed with another key."""
    from django.core import signing

    return signing.TimestampSigner(key="pas la clé du site", salt="spro.core.guards.form-token").sign(
        "A" * 22
    )


def test_a_refused_form_keeps_its_token_usable(client):
    case = contact_request(client)
    token = form_token(client, case.url)
    refused = client.post(case.url, {**case.data, "consent": "", "form_token": token})
    assert refused.status_code == 200 and "Cochez la case" in refused.content.decode()
    assert client.post(case.url, {**case.data, "form_token": token}).status_code == 302
    assert apps.get_model(case.model).objects.count() == 1


def test_each_display_of_a_form_carries_a_new_token(client):
    case = contact_request(client)
    assert form_token(client, case.url) != form_token(client, case.url)


@pytest.mark.parametrize("kind", ["lieu", "service"])
def test_a_double_click_on_deactivate_leaves_it_deactivated(client, kind):
    """The button says which state it wants: a second click (or a replay) changes nothing more."""
    from spro.directory.models import ChangeRecord

    w = directory_world()
    login(client, w.alice)
    obj = w.site_a if kind == "lieu" else w.service_a
    url = reverse("structures:site_toggle" if kind == "lieu" else "structures:service_toggle", args=[obj.pk])
    detail = client.get(reverse("structures:detail", args=[w.a.pk])).content.decode()
    assert f'action="{url}"' in detail and 'name="actif" value="non"' in detail
    for _ in range(2):
        assert client.post(url, {"actif": "non"}).status_code == 302
    obj.refresh_from_db()
    assert not obj.is_active
    assert ChangeRecord.objects.filter(object_type=kind, object_id=obj.pk).count() == 1
    page = client.get(reverse("structures:detail", args=[w.a.pk])).content.decode()
    assert "était déjà désactivé" in page


def test_a_double_click_on_toujours_exact_confirms_once(client):
    from spro.directory.models import ChangeRecord

    w = directory_world()
    login(client, w.alice)
    url = reverse("structures:confirm", args=["lieu", w.site_a.pk])
    for _ in range(2):
        assert client.post(url).status_code == 302
    assert (
        ChangeRecord.objects.filter(object_type="lieu", object_id=w.site_a.pk, action="confirmation").count()
        == 1
    )
    page = client.get(reverse("structures:detail", args=[w.a.pk])).content.decode()
    assert "était déjà confirmé" in page
