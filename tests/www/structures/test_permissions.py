"""Who may open and change what: the answer of every professional page for each persona.

anonymous → login page; Alice (administrator of A) edits A; Bob (adviser at B) gets 404 on A's
records; Irène (Région instructor) reads but may not change (403); Rémi (Région administrator) may.
"""

import pytest
from django.urls import reverse

from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "alice", "bob", "irene", "remi"]


def pages_of_a(w):
    """(method, url, expected status per persona) for structure A's pages."""
    return [
        ("get", reverse("structures:detail", args=[w.a.pk]), [302, 200, 404, 200, 200]),
        ("get", reverse("structures:history", args=[w.a.pk]), [302, 200, 404, 200, 200]),
        ("get", reverse("structures:members", args=[w.a.pk]), [302, 200, 404, 200, 200]),
        # A post without its one-time token is refused (400) once the persona may invite at all.
        ("post", reverse("structures:members", args=[w.a.pk]), [302, 400, 404, 403, 400]),
        ("get", reverse("structures:edit", args=[w.a.pk]), [302, 200, 404, 403, 200]),
        ("get", reverse("structures:site_create", args=[w.a.pk]), [302, 200, 404, 403, 200]),
        ("get", reverse("structures:site_edit", args=[w.site_a.pk]), [302, 200, 404, 403, 200]),
        ("post", reverse("structures:site_toggle", args=[w.site_a.pk]), [302, 302, 404, 403, 302]),
        ("get", reverse("structures:service_create", args=[w.site_a.pk]), [302, 200, 404, 403, 200]),
        ("get", reverse("structures:service_edit", args=[w.service_a.pk]), [302, 200, 404, 403, 200]),
        ("post", reverse("structures:service_toggle", args=[w.service_a.pk]), [302, 302, 404, 403, 302]),
        ("post", reverse("structures:confirm", args=["structure", w.a.pk]), [302, 302, 404, 403, 302]),
        ("post", reverse("structures:confirm", args=["lieu", w.site_a.pk]), [302, 302, 404, 403, 302]),
        ("post", reverse("structures:confirm", args=["service", w.service_a.pk]), [302, 302, 404, 403, 302]),
        ("get", reverse("structures:hours_preview"), [302, 200, 200, 200, 200]),
    ]


def as_persona(client, w, persona):
    if persona != "anonymous":
        login(client, getattr(w, persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer_on_structure_a(client, world, persona):
    as_persona(client, world, persona)
    index = PERSONAS.index(persona)
    for method, url, expected in pages_of_a(world):
        response = getattr(client, method)(url)
        assert response.status_code == expected[index], (persona, method, url)
        if expected[index] == 302 and persona == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))


def test_only_administrators_change_members(client, world):
    from spro.directory.models import Membership

    membership = Membership.objects.get(user=world.alice)
    url = reverse("structures:member_change", args=[membership.pk])
    assert client.post(url, {"role": "conseiller"}).status_code == 302  # to the login page
    for persona, expected in (("bob", 404), ("irene", 403), ("remi", 302)):
        login(client, getattr(world, persona))
        assert client.post(url, {"role": "administrateur"}).status_code == expected, persona


def test_an_adviser_may_edit_sites_but_not_the_structure_itself(client, world):
    login(client, world.bob)
    assert client.post(reverse("structures:confirm", args=["lieu", world.site_b.pk])).status_code == 302
    assert client.post(reverse("structures:confirm", args=["structure", world.b.pk])).status_code == 403
    assert client.get(reverse("structures:site_edit", args=[world.site_b.pk])).status_code == 200
    assert client.get(reverse("structures:service_edit", args=[world.service_b.pk])).status_code == 200
    response = client.get(reverse("structures:edit", args=[world.b.pk]))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_a_member_of_a_cannot_change_b_by_posting(client, world):
    login(client, world.alice)
    response = client.post(
        reverse("structures:service_edit", args=[world.service_b.pk]),
        {"name": "Piraté", "needs": ["vae"]},
    )
    assert response.status_code == 404
    world.service_b.refresh_from_db()
    assert world.service_b.name == "Conseil en orientation"


def test_an_unknown_kind_of_record_cannot_be_confirmed(client, world):
    login(client, world.alice)
    assert client.post(reverse("structures:confirm", args=["reseau", world.a.network_id])).status_code == 404


def test_the_list_shows_only_my_structures(client, world):
    login(client, world.alice)
    page = client.get(reverse("structures:list")).content.decode()
    assert "Mission Locale de Toulouse" in page
    assert "CIO d&#x27;Albi" not in page and "CIO d'Albi" not in page


def test_confirmation_and_toggles_refuse_get(client, world):
    login(client, world.alice)
    assert client.get(reverse("structures:confirm", args=["lieu", world.site_a.pk])).status_code == 405
    assert client.get(reverse("structures:site_toggle", args=[world.site_a.pk])).status_code == 405
