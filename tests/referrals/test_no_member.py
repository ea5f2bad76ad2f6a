"""A structure with no active member still hears of referrals and contact requests, and so does the Région."""

import pytest
from django.core import mail

from spro.directory.models import Membership
from tests.referrals.factories import contact_request, referral

pytestmark = pytest.mark.django_db


def leave(w):
    Membership.objects.filter(structure=w.structure_b).delete()


def recipients():
    return sorted(address for m in mail.outbox for address in m.to)


def test_it_sends_a_referral_to_the_sites_contact_address_when_no_member_is_active(
    w, django_capture_on_commit_callbacks
):
    w.bob.is_active = False
    w.bob.save()
    w.site_b.email = "accueil@france-travail.test"
    w.site_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    assert "accueil@france-travail.test" in recipients()
    assert "bob@france-travail.test" not in recipients()


def test_it_tells_the_region_of_a_referral_to_a_structure_without_member(
    w, django_capture_on_commit_callbacks
):
    leave(w)
    w.site_b.email = "accueil@france-travail.test"
    w.site_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    alerts = [m for m in mail.outbox if m.to[0] in {"iris@region.test", "remi@region.test"}]
    assert sorted(m.to[0] for m in alerts) == ["iris@region.test", "remi@region.test"]
    assert "ne peut pas répondre en ligne" in alerts[0].body
    assert w.structure_b.name in alerts[0].subject + alerts[0].body


def test_it_sends_to_region_staff_when_the_structure_has_no_contact_address(
    w, django_capture_on_commit_callbacks
):
    leave(w)
    w.site_b.email = ""
    w.site_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    assert set(recipients()) == {"iris@region.test", "remi@region.test"}
    assert len(mail.outbox) >= 2


def test_it_sends_a_contact_request_to_the_sites_address_when_no_member_is_active(
    w, django_capture_on_commit_callbacks
):
    leave(w)
    w.site_b.email = "accueil@france-travail.test"
    w.site_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        contact_request(w.site_b)
    assert "accueil@france-travail.test" in recipients()
    assert {"iris@region.test", "remi@region.test"} <= set(recipients())


def test_a_structure_with_members_is_not_reported_to_the_region(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    assert recipients() == ["bob@france-travail.test"]


def test_the_contact_address_is_told_why_it_receives_the_referral(w, django_capture_on_commit_callbacks):
    leave(w)
    w.site_b.email = "accueil@france-travail.test"
    w.site_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral(w)
    (message,) = [m for m in mail.outbox if m.to == ["accueil@france-travail.test"]]
    assert "aucun membre actif" in message.body
