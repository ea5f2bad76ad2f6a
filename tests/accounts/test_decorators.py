"""`region_staff_required` and `region_admin_required`, for views of the Région back office."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from spro.accounts.decorators import region_admin_required, region_staff_required
from tests.accounts import factories

pytestmark = pytest.mark.django_db


@region_staff_required
def staff_view(request):
    return HttpResponse("ok")


@region_admin_required
def admin_view(request):
    return HttpResponse("ok")


def request_as(user, verified=True):
    request = RequestFactory().get("/region/test/")
    request.user = user
    if user.is_authenticated:
        user.is_verified = lambda: verified
    return request


def test_anonymous_visitors_are_sent_to_login():
    response = staff_view(request_as(AnonymousUser()))
    assert response.status_code == 302 and response.url.startswith("/comptes/connexion/")


def test_members_are_refused():
    member = factories.user("conseiller@structure.test")
    with pytest.raises(PermissionDenied):
        staff_view(request_as(member))


def test_instructors_reach_staff_pages_but_not_admin_pages():
    instructor = factories.region_instructor()
    assert staff_view(request_as(instructor)).status_code == 200
    with pytest.raises(PermissionDenied):
        admin_view(request_as(instructor))


def test_region_administrators_reach_both():
    admin = factories.region_admin()
    assert staff_view(request_as(admin)).status_code == 200
    assert admin_view(request_as(admin)).status_code == 200


def test_an_unverified_session_is_refused_even_without_the_middleware():
    with pytest.raises(PermissionDenied):
        staff_view(request_as(factories.region_admin(), verified=False))
