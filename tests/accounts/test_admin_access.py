"""The Django admin is for technical staff only, with a verified second factor."""

import pytest

from tests.accounts import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_members_and_region_staff_without_is_staff_are_refused(client):
    for person in (factories.user("conseiller@structure.test"), factories.region_admin()):
        factories.login_verified(client, person)
        response = client.get("/admin/")
        assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_staff_with_a_verified_second_factor_get_the_admin(client):
    factories.login_verified(client, factories.user("tech@region.test", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_staff_without_a_verified_second_factor_are_sent_to_it(client):
    client.force_login(factories.user("tech@region.test", is_staff=True, is_superuser=True))
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302 and response.url.startswith(
        "/comptes/double-authentification/activer/"
    )


def test_the_admin_lists_second_factor_devices_without_their_secret_and_can_delete_one(client):
    agent = factories.region_instructor()
    device = factories.totp_device(agent)
    factories.login_verified(client, factories.user("tech@region.test", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert "instructeur@region.test" in page
    assert device.key not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in {302, 404}
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not agent.has_second_factor
