"""The Région's forms of local coordination write only with their one-time token (spro.core.guards).

A post without it, even with data the form accepts, writes nothing: the guard re-displays the page
as for a GET (400, with its French message), and each view answers that GET with the page only (its
`request.method != "POST"` branch, behind `require_POST`: live, not dead code). The same data with a
token is then accepted, so that the refusal is the token's."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spro.core.guards import EXPIRED_MESSAGE
from spro.network import coordination
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import form_token
from tests.network.coordination_factories import committee, territory
from tests.www.test_double_submit import row_counts

pytestmark = pytest.mark.django_db

RULES = {"convention_months": "12", "notice_months": "2", "vote_days": "20", "no_majority": "sortant"}


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%piece\n")


def notice(w):
    data = {
        "party": "region",
        "sent_on": "2026-06-01",
        "letter_reference": "1A 1",
        "grounds": "Aucune réunion.",
    }
    return reverse("region_territoires:notice", args=[w.convention.pk]), data, {"letter": "lettre.pdf"}


def remedy(w):
    sent = coordination.send_notice(w.convention, None, date(2026, 6, 1), "1A 1", "Aucune réunion.")
    return reverse("region_territoires:remedy", args=[sent.pk]), {"remedied_on": "2026-07-01"}, {}


def meeting(w):
    data = {"held_on": "2026-03-10", "agenda": "Programme", "present": [w.structures[0].pk]}
    return reverse("region_territoires:meeting", args=[w.local.pk]), data, {}


def convention_document(w):
    url = reverse("region_territoires:convention_document", args=[w.convention.pk])
    return url, {}, {"document": "convention.pdf"}


def territory_create(w):
    data = {"name": "Tarn", "code": "tarn", "kind": "departement", "reference": "81"}
    return reverse("region_territoires:create"), data, {}


def policy(w):
    return reverse("region_territoires:policy"), RULES, {}


def member_add(w):
    newcomer = directory.site("CIO de Blagnac").structure  # a site in the territory: offered
    data = {"structure": newcomer.pk, "joined_on": "2026-02-01"}
    return reverse("region_territoires:member_add", args=[w.local.pk]), data, {}


def member_leave(w):
    member = w.local.members.order_by("pk").first()
    return reverse("region_territoires:member_leave", args=[member.pk]), {"left_on": "2026-06-30"}, {}


def convention_sign(w):
    other = coordination.create_committee(territory(code="ariege", reference="09"))
    data = {"reference": "CCL-09", "starts_on": "2026-02-01"}
    return reverse("region_territoires:convention_sign", args=[other.pk]), data, {}


FORMS = [
    notice,
    remedy,
    meeting,
    convention_document,
    territory_create,
    policy,
    member_add,
    member_leave,
    convention_sign,
]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.__name__)
def test_a_post_without_its_token_writes_nothing_even_with_accepted_data(client, settings, form):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = committee()
    accounts.login_verified(client, accounts.region_instructor())
    url, data, files = form(w)
    page = reverse("region_territoires:index")
    before = row_counts()
    refused = client.post(url, {**data, **{field: pdf(name) for field, name in files.items()}})
    assert refused.status_code == 400
    assert EXPIRED_MESSAGE.replace("'", "&#x27;") in refused.content.decode()
    assert row_counts() == before
    token = form_token(client, page)
    accepted = client.post(
        url, {**data, **{field: pdf(name) for field, name in files.items()}, "form_token": token}
    )
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    assert row_counts() != before
