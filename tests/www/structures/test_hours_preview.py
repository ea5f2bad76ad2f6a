"""The htmx preview of opening hours: plain French, the state now, or what is wrong."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.www.structures.factories import login

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def preview(client, value):
    return client.get(reverse("structures:hours_preview"), {"opening_hours": value}).content.decode()


@time_machine.travel(datetime(2026, 11, 25, 10, 30, tzinfo=PARIS), tick=False)
def test_it_describes_the_hours_and_says_it_is_open(client, world):
    login(client, world.bob)
    html = preview(client, "Mo-Fr 09:00-12:00,14:00-17:00; PH off")
    assert "du lundi au vendredi 9 h – 12 h, 14 h – 17 h" in html
    assert "Ouvert maintenant, ferme à 12 h" in html


@time_machine.travel(datetime(2026, 11, 28, 10, 30, tzinfo=PARIS), tick=False)
def test_it_says_when_it_opens_next(client, world):
    login(client, world.bob)
    assert "Fermé, ouvre lundi à 9 h" in preview(client, "Mo-Fr 09:00-12:00")


def test_it_explains_the_expected_format(client, world):
    login(client, world.bob)
    html = preview(client, "du lundi au vendredi")
    assert "pas au format attendu" in html and "Mo-Fr 09:00-12:00" in html


def test_it_requires_a_login(client):
    assert client.get(reverse("structures:hours_preview")).status_code == 302
