"""Parameters views read themselves (filters, notes, `next`), not through a form: a NUL byte (which
PostgreSQL refuses in text) or 100 kB is treated like any invalid value, in French, and writes nothing."""

import pytest

from spro.referrals.models import ContactRequest, Referral
from tests.test_authorization_matrix import client_for, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_region_structure_list_ignores_an_unreadable_filter(world):  # noqa: F811
    _objects, personas, _sessions = world
    client = client_for(personas["admin_region"])
    response = client.get("/region/structures/?reseau=%00&departement=31%00&page=%00")
    assert response.status_code == 200


@pytest.mark.parametrize("note", ["une note\x00", "a" * 100_000])
def test_a_contact_request_note_that_cannot_be_kept_is_refused(world, note):  # noqa: F811
    objects, personas, _sessions = world
    client = client_for(personas["conseiller_a"])
    item = objects["contact_request"]
    response = client.post(f"/espace-pro/orientations/demandes-de-contact/{item.pk}/traiter/", {"note": note})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.note) == (ContactRequest.objects.get(pk=item.pk).status, "")
    assert item.handled_at is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("Note refusée") for m in messages), messages


@pytest.mark.parametrize("comment", ["un commentaire\x00", "a" * 100_000])
def test_a_referral_comment_that_cannot_be_kept_stops_the_transition(world, comment):  # noqa: F811
    objects, personas, _sessions = world
    client = client_for(personas["conseiller_a"])
    referral = objects["referral"]
    before = referral.state
    response = client.post(f"/espace-pro/orientations/{referral.pk}/accepter/", {"comment": comment})
    # The referral page is drawn again with the answer's form in error (the shared pattern).
    assert response.status_code == 422
    assert Referral.objects.get(pk=referral.pk).state == before
    page = response.content.decode()
    assert "Erreur" in page and 'aria-invalid="true"' in page
    assert "\x00" not in page  # a long text is kept in the field, for the person to shorten it


def test_an_unreadable_next_address_is_not_followed(world):  # noqa: F811
    objects, personas, _sessions = world
    client = client_for(personas["admin_a"])
    site = objects["site"]
    response = client.post(
        f"/espace-pro/structures/lieu/{site.pk}/toujours-exact/", {"next": "/annuaire/\x00"}
    )
    assert response.status_code == 302
    assert "\x00" not in response["Location"]
