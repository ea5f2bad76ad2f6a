"""The public contact form says, before sending, when the place cannot answer online."""

import pytest

from tests.referrals.factories import world

pytestmark = pytest.mark.django_db

NOTICE = "ne traite pas encore les demandes en ligne"


def test_it_tells_the_person_before_sending_that_the_place_cannot_answer_online(client):
    w = world()
    url = f"/trouver-mon-interlocuteur/contact/{w.site_b.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert NOTICE not in response.content.decode()
    w.bob.is_active = False
    w.bob.save()
    assert NOTICE in client.get(url).content.decode()
