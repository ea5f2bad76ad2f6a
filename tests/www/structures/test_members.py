"""Members of a structure: its administrators add, change and remove them; advisers only look."""

import re

import pytest
from django.urls import reverse

from spro.accounts.models import Invitation
from spro.directory.models import Membership
from tests.forms import post_form
from tests.www.structures.factories import login, member, user

pytestmark = pytest.mark.django_db


def invite(client, structure, email, role="conseiller"):
    return post_form(
        client, reverse("structures:members", args=[structure.pk]), {"email": email, "role": role}
    )


def test_adding_a_member_sends_an_invitation_and_attaches_no_one(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    chloe = user("chloe@ml-toulouse.test")
    login(client, world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, world.a, "Chloe@ml-toulouse.test")
    assert response.status_code == 302
    assert not Membership.objects.filter(structure=world.a, user=chloe).exists()
    invitation = Invitation.objects.get(structure=world.a)
    assert (invitation.email, invitation.role, invitation.status) == (
        "chloe@ml-toulouse.test",
        "conseiller",
        "envoyee",
    )
    assert [m.to for m in mailoutbox] == [["chloe@ml-toulouse.test"]]


def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(client, world):
    user("chloe@ml-toulouse.test")
    login(client, world.alice)
    pages = []
    for email in ("chloe@ml-toulouse.test", "personne@ailleurs.test"):
        response = invite(client, world.a, email)
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        page = re.sub(r'(nonce|value)="[^"]+"', "", page.replace(email, "ADRESSE"))  # CSP nonce, CSRF
        pages.append(page.split("<caption>Invitations en attente")[0])  # the list then shows both
    assert pages[0] == pages[1]
    assert "Invitation envoyée à" in pages[0]
    assert "Aucun compte" not in pages[0]


def test_a_region_administrator_is_not_made_a_member_by_a_structure_administrator(client, world):
    login(client, world.alice)
    invite(client, world.a, world.remi.email, role="administrateur")
    assert not Membership.objects.filter(user=world.remi).exists()
    assert Invitation.objects.get(email=world.remi.email).status == "envoyee"


def test_a_member_of_the_structure_is_not_invited_again(client, world):
    login(client, world.alice)
    response = invite(client, world.a, "alice@ml-toulouse.test")
    assert "déjà membre de cette structure" in response.context["form"].errors["email"][0]
    assert not Invitation.objects.exists()


def test_administrators_resend_and_cancel_an_invitation(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, world.alice)
    invite(client, world.a, "chloe@ml-toulouse.test")
    invitation = Invitation.objects.get()
    first_hash = invitation.token_hash
    url = reverse("structures:invitation_change", args=[invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "renvoyer"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.token_hash != first_hash and invitation.status == "envoyee"
    assert len(mailoutbox) == 1
    client.post(url, {"action": "annuler"})
    invitation.refresh_from_db()
    assert invitation.status == "annulee"
    assert [e.action for e in invitation.events.all()] == ["envoi", "renvoi", "annulation"]
    page = client.get(reverse("structures:members", args=[world.a.pk])).content.decode()
    assert "Invitations en attente" not in page


def test_administrators_of_another_structure_cannot_touch_its_invitations(client, world):
    login(client, world.alice)
    invite(client, world.a, "chloe@ml-toulouse.test")
    invitation = Invitation.objects.get()
    login(client, world.bob)
    url = reverse("structures:invitation_change", args=[invitation.pk])
    assert client.post(url, {"action": "annuler"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "envoyee"


def test_the_last_administrator_stays(client, world):
    login(client, world.alice)
    mine = Membership.objects.get(user=world.alice)
    client.post(reverse("structures:member_change", args=[mine.pk]), {"action": "retirer"})
    assert Membership.objects.filter(pk=mine.pk).exists()
    client.post(reverse("structures:member_change", args=[mine.pk]), {"role": "conseiller"})
    mine.refresh_from_db()
    assert mine.role == "administrateur"
    page = client.get(reverse("structures:members", args=[world.a.pk])).content.decode()
    assert "au moins un administrateur" in page


def test_an_administrator_changes_a_role_and_removes_a_member(client, world):
    claire = member(world.a, "claire@ml-toulouse.test")
    membership = Membership.objects.get(user=claire)
    login(client, world.alice)
    client.post(reverse("structures:member_change", args=[membership.pk]), {"role": "administrateur"})
    membership.refresh_from_db()
    assert membership.role == "administrateur"
    client.post(reverse("structures:member_change", args=[membership.pk]), {"action": "retirer"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_advisers_and_instructors_see_members_but_cannot_change_them(client, world):
    carl = member(world.b, "carl@cio-albi.test")
    for person in (world.bob, world.irene):
        login(client, person)
        assert client.get(reverse("structures:members", args=[world.b.pk])).status_code == 200
        response = client.post(
            reverse("structures:members", args=[world.b.pk]),
            {"email": "remi@region.test", "role": "conseiller"},
        )
        assert response.status_code == 403
        mid = Membership.objects.get(user=carl).pk
        assert (
            client.post(reverse("structures:member_change", args=[mid]), {"action": "retirer"}).status_code
            == 403
        )
    login(client, world.alice)
    assert client.get(reverse("structures:members", args=[world.b.pk])).status_code == 404
