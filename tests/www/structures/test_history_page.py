"""The history page lists who changed what on the structure, its sites and services."""

import pytest
from django.urls import reverse

from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db


def test_it_lists_changes_with_french_field_names(client, world):
    login(client, world.alice)
    client.post(reverse("structures:site_toggle", args=[world.site_a.pk]))
    client.post(reverse("structures:confirm", args=["structure", world.a.pk]))
    page = client.get(reverse("structures:history", args=[world.a.pk])).content.decode()
    assert "Modification" in page and "Confirmation « toujours exact »" in page
    assert "Actif" in page and "True → False" in page
    assert "alice@ml-toulouse.test" in page


def test_it_does_not_show_other_structures_changes(client, world):
    login(client, world.bob)
    client.post(reverse("structures:site_toggle", args=[world.site_b.pk]))
    login(client, world.alice)
    page = client.get(reverse("structures:history", args=[world.a.pk])).content.decode()
    assert "Aucune modification enregistrée." in page
