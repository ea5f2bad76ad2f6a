"""`spro demo-activite` (run by load-demo) fills a year of receptions for the demo structures, once."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from spro.activity import demo
from spro.activity.models import Reception
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


def test_it_fills_a_year_for_demo_structures_and_is_idempotent():
    directory.site("Lieu démo", structure_obj=directory.structure("cio", name="CIO démo", is_demo=True))
    directory.site("Lieu réel")
    call_command("demo-activite")
    call_command("demo-activite")
    assert Reception.objects.count() == demo.PER_STRUCTURE
    assert set(Reception.objects.values_list("structure__is_demo", flat=True)) == {True}


def test_its_dates_cover_the_past_year_only():
    directory.site("Lieu démo", structure_obj=directory.structure("cio", name="CIO démo", is_demo=True))
    demo.generate(today=date(2026, 6, 30))
    dates = Reception.objects.values_list("date", flat=True)
    assert min(dates) > date(2026, 6, 30) - timedelta(days=366) and max(dates) <= date(2026, 6, 30)
