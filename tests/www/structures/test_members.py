"""Members of a structure: its administrators add, change and remove them; advisers only look."""

import pytest
from django.urls import reverse

from spro.directory.models import ChangeRecord, Membership
from tests.www.structures.factories import login, member, user

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_an_existing_account_and_it_is_recorded(client, world):
    user("chloe@ml-toulouse.test")
    login(client, world.alice)
    response = client.post(
        reverse("structures:members", args=[world.a.pk]),
        {"email": "Chloe@ml-toulouse.test", "role": "conseiller"},
    )
    assert response.status_code == 302
    assert (
        Membership.objects.get(structure=world.a, user__email="chloe@ml-toulouse.test").role == "conseiller"
    )
    record = ChangeRecord.objects.get(object_type="structure", object_id=world.a.pk)
    assert record.changes == {"membre": {"avant": None, "apres": "chloe@ml-toulouse.test (Conseiller)"}}


def test_an_unknown_account_is_explained(client, world):
    login(client, world.alice)
    response = client.post(
        reverse("structures:members", args=[world.a.pk]),
        {"email": "personne@ailleurs.test", "role": "conseiller"},
    )
    assert (
        "Aucun compte actif n'existe pour personne@ailleurs.test"
        in response.context["form"].errors["email"][0]
    )


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
