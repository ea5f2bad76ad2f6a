"""Network news: the Région publishes, members read, the public never does."""

import pytest
from django.urls import reverse

from spro.network.models import NewsItem
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.forms import post_form

pytestmark = pytest.mark.django_db


def test_the_region_publishes_and_members_read_but_not_the_public(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    member = accounts.member(directory.structure("cio"), "claire@cio.test")
    accounts.login_verified(client, accounts.region_admin())
    url = reverse("actualites:create")
    assert post_form(client, url, {"title": "", "body": "x" * 20_000}).status_code == 422
    data = {
        "title": "Séminaire du réseau",
        "body": "Rendez-vous le 12 mars.",
        "link": "https://region.test/p.pdf",
    }
    assert post_form(client, url, data).status_code == 302
    assert NewsItem.objects.count() == 1
    client.force_login(member)
    assert client.get(url).status_code == 403
    page = client.get(reverse("actualites:index")).content.decode()
    assert "Séminaire du réseau" in page and "https://region.test/p.pdf" in page
    client.logout()
    response = client.get(reverse("actualites:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
