"""The demo agenda: a season of events for the demo structures, published, public and pro-only, placed
at their sites; a second run adds nothing and says nothing."""

import io

import pytest
from django.core.management import call_command

from spro.events.models import Audience, Event, State
from spro.events.search import search
from tests.directory.factories import site, structure

pytestmark = pytest.mark.django_db


def test_demo_structures_get_a_season_of_events_and_a_second_run_is_quiet():
    for n in range(4):
        site(
            f"Lieu fictif {n}",
            north_km=n,
            structure_obj=structure("cio", name=f"CIO fictif {n}", is_demo=True),
        )
    site("Lieu réel", structure_obj=structure("cio", name="CIO réel"))
    out = io.StringIO()
    call_command("demo-agenda", "--discret", stdout=out)
    assert "12 événements ajoutés" in out.getvalue()
    events = Event.objects.all()
    assert events.count() == 12
    assert {e.state for e in events} == {State.PUBLISHED}
    assert all(e.changes.filter(action="creation").exists() for e in events)
    placed = [e for e in events if e.site_id]
    assert all(e.latitude is not None and e.commune_id for e in placed)
    # The denormalised search columns are filled as save() would fill them.
    public = [e for e in events if e.audience == Audience.PUBLIC]
    assert len(search({}).events) == len(public)
    again = io.StringIO()
    call_command("demo-agenda", "--discret", stdout=again)
    assert again.getvalue() == "" and Event.objects.count() == 12
