"""A structure always keeps one active administrator: demotion, removal, deactivation and deletion of the
last one are refused with a French message (the concurrent cases: test_last_administrator_concurrency)."""

import pytest

from spro.accounts import members
from spro.directory.models import Membership
from tests.accounts import factories
from tests.www.structures.factories import structure

pytestmark = pytest.mark.django_db

ADMIN = Membership.Role.ADMIN


@pytest.fixture
def tech(client):
    factories.login_verified(client, factories.user("tech@region.test", is_staff=True, is_superuser=True))


def admin_change_data(person, **changes):
    data = {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "region_role": person.region_role,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_inactive_administrator_does_not_count_as_the_one_left():
    ml = structure("Mission Locale")
    active = factories.member(ml, "active@ml.test", role=ADMIN)
    factories.member(ml, "partie@ml.test", role=ADMIN, is_active=False)
    with pytest.raises(members.MembershipError, match="au moins un administrateur"):
        members.change_role(Membership.objects.get(user=active), Membership.Role.ADVISER, None)
    with pytest.raises(members.MembershipError, match="au moins un administrateur"):
        members.remove_member(Membership.objects.get(user=active), None)


def test_it_refuses_to_deactivate_the_last_administrator_of_a_structure():
    ml = structure("Mission Locale de Nîmes")
    alone = factories.member(ml, "seule@ml.test", role=ADMIN)
    with pytest.raises(members.MembershipError, match="seul administrateur de : Mission Locale de Nîmes"):
        members.deactivate_user(alone)
    alone.refresh_from_db()
    assert alone.is_active


def test_it_deactivates_an_administrator_who_is_not_the_last():
    ml = structure("Mission Locale")
    first = factories.member(ml, "une@ml.test", role=ADMIN)
    factories.member(ml, "deux@ml.test", role=ADMIN)
    members.deactivate_user(first)
    first.refresh_from_db()
    assert not first.is_active


def test_the_django_admin_refuses_to_deactivate_the_last_administrator(client, tech):
    alone = factories.member(structure("CIO d'Albi"), "seule@cio.test", role=ADMIN)
    response = client.post(
        f"/admin/accounts/user/{alone.pk}/change/", admin_change_data(alone, is_active=None)
    )
    assert response.status_code == 200
    assert "seul administrateur de : CIO d&#x27;Albi" in response.content.decode()
    alone.refresh_from_db()
    assert alone.is_active


def test_the_django_admin_refuses_to_delete_the_last_administrator(client, tech):
    alone = factories.member(structure("CIO d'Albi"), "seule@cio.test", role=ADMIN)
    response = client.post(f"/admin/accounts/user/{alone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "seul administrateur" in response.content.decode()
    assert Membership.objects.filter(user=alone).exists()


def test_the_django_admin_still_deactivates_an_ordinary_account(client, tech):
    adviser = factories.member(structure("CIO d'Albi"), "conseil@cio.test")
    response = client.post(
        f"/admin/accounts/user/{adviser.pk}/change/", admin_change_data(adviser, is_active=None)
    )
    assert response.status_code == 302
    adviser.refresh_from_db()
    assert not adviser.is_active
