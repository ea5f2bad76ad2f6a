"""Roles: Région administrator and instructor, structure administrator and adviser."""

import pytest

from spro.accounts.models import User
from spro.directory.models import Membership
from tests.accounts import factories
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures():
    return directory.structure("cio", name="CIO A"), directory.structure("mission-locale", name="ML B")


def test_region_roles(structures):
    admin, instructor = factories.region_admin(), factories.region_instructor()
    member = factories.user("conseiller@structure.test")
    assert admin.is_region_admin and admin.is_region_staff and not admin.is_region_instructor
    assert instructor.is_region_instructor and instructor.is_region_staff and not instructor.is_region_admin
    assert not member.is_region_staff
    assert set(User.objects.region_staff()) == {admin, instructor}


def test_an_inactive_account_has_no_role(structures):
    a, _ = structures
    former = factories.region_admin(is_active=False)
    adviser = factories.member(a, "ancien@structure.test", is_active=False)
    assert not former.is_region_staff
    assert not adviser.is_structure_member(a)


def test_structure_roles(structures):
    a, b = structures
    admin_a = factories.member(a, "admin@a.test", role=Membership.Role.ADMIN)
    adviser_b = factories.member(b, "conseiller@b.test")
    assert admin_a.is_structure_admin(a) and admin_a.is_structure_member(a)
    assert not admin_a.is_structure_member(b)
    assert adviser_b.is_structure_member(b) and not adviser_b.is_structure_admin(b)
    assert adviser_b.structure_role(b) == "conseiller"
    assert list(admin_a.structures()) == [a]
    assert list(admin_a.administered_structures()) == [a]
    assert list(adviser_b.administered_structures()) == []
    assert list(User.objects.members_of(a)) == [admin_a]


def test_an_inactive_structure_is_not_listed(structures):
    a, _ = structures
    person = factories.member(a, "conseiller@a.test")
    a.is_active = False
    a.save()
    assert list(person.structures()) == []


def test_who_must_use_a_second_factor():
    assert factories.region_instructor().requires_second_factor
    assert factories.user("tech@region.test", is_staff=True).requires_second_factor
    assert not factories.user("conseiller@structure.test").requires_second_factor
