"""Records untouched for six months are flagged to their editors; "Toujours exact" confirms in one click."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from spro.directory.models import ChangeRecord
from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db


def later(days):
    """Sessions expire meanwhile: log in inside the travel."""
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def test_nothing_is_stale_after_five_months(client, world):
    with later(150):
        login(client, world.alice)
        page = client.get(reverse("structures:list")).content.decode()
    assert "Toutes vos fiches sont à jour." in page


def test_records_untouched_for_six_months_are_listed_to_their_members(client, world):
    with later(190):
        login(client, world.alice)
        page = client.get(reverse("structures:list")).content.decode()
        home = client.get(reverse("pro:home")).content.decode()
    assert "Fiches à vérifier" in page
    assert "Mission Locale — Capitole" in page and "Premier accueil" in page
    assert "CIO d&#x27;Albi — centre" not in page
    assert "3 fiches à vérifier" in home


def test_toujours_exact_confirms_the_record_and_records_it(client, world):
    with later(190):
        login(client, world.alice)
        response = client.post(reverse("structures:confirm", args=["lieu", world.site_a.pk]))
        assert response.status_code == 302
        world.site_a.refresh_from_db()
        assert not world.site_a.is_stale
        assert world.site_a.updated_by == world.alice
        page = client.get(reverse("structures:list")).content.decode()
    record = ChangeRecord.objects.get(object_type="lieu", object_id=world.site_a.pk)
    assert record.action == "confirmation" and record.user == world.alice and record.changes == {}
    assert reverse("structures:confirm", args=["lieu", world.site_a.pk]) not in page
    assert reverse("structures:confirm", args=["service", world.service_a.pk]) in page


def test_confirming_goes_back_where_one_was(client, world):
    login(client, world.alice)
    response = client.post(
        reverse("structures:confirm", args=["service", world.service_a.pk]), {"next": reverse("pro:home")}
    )
    assert response["Location"] == reverse("pro:home")
    response = client.post(
        reverse("structures:confirm", args=["service", world.service_a.pk]),
        {"next": "https://ailleurs.test/"},
    )
    assert response["Location"] == reverse("structures:detail", args=[world.a.pk])


def test_the_structure_page_flags_stale_records(client, world):
    with later(200):
        login(client, world.alice)
        page = client.get(reverse("structures:detail", args=[world.a.pk])).content.decode()
    assert "À vérifier" in page
    assert "3 fiches n&#x27;ont pas été mises à jour" in page or "3 fiches n'ont pas été mises à jour" in page


def test_an_adviser_confirms_sites_and_services_but_not_the_structure(client, world):
    with later(190):
        login(client, world.bob)
        page = client.get(reverse("structures:list")).content.decode()
    assert reverse("structures:confirm", args=["lieu", world.site_b.pk]) in page
    assert reverse("structures:confirm", args=["structure", world.b.pk]) not in page
