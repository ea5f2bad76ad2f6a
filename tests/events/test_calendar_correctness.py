"""Agenda correctness (issue 20): an event is an instant, whatever the daylight-saving change or the
server's time zone. Stored in UTC, searched by Paris days (`du`, `au`), written to iCalendar in UTC and
read back to the same instant; an event crossing midnight or a change keeps its real duration. A
recurring event is published session by session: the files never carry an RRULE, each session once."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from spro.events import ics, workflow
from spro.events.models import PARIS, Event
from spro.events.search import search
from tests.events.factories import event, paris

pytestmark = pytest.mark.django_db

BEFORE_ALL = paris(2027, 1, 1, 0)

# The last Sundays of March and October 2027, and the days after: 10:00 in Paris is 08:00 UTC in
# summer time (UTC+2) and 09:00 UTC in winter time (UTC+1).
TEN_IN_PARIS = [
    (paris(2027, 3, 27, 10), datetime(2027, 3, 27, 9, tzinfo=UTC)),
    (paris(2027, 3, 28, 10), datetime(2027, 3, 28, 8, tzinfo=UTC)),
    (paris(2027, 3, 29, 10), datetime(2027, 3, 29, 8, tzinfo=UTC)),
    (paris(2027, 10, 30, 10), datetime(2027, 10, 30, 8, tzinfo=UTC)),
    (paris(2027, 10, 31, 10), datetime(2027, 10, 31, 9, tzinfo=UTC)),
    (paris(2027, 11, 1, 10), datetime(2027, 11, 1, 9, tzinfo=UTC)),
]


def ics_items(events) -> dict:
    parsed = Calendar.from_ical(ics.calendar(events, "Agenda du SPRO", "https://spro.test"))
    return {str(item["summary"]): item for item in parsed.walk("VEVENT")}


@pytest.mark.parametrize(("local", "instant"), TEN_IN_PARIS)
def test_ten_in_paris_is_stored_as_its_utc_instant_on_each_side_of_the_changes(local, instant):
    forum = event("Forum", start=local, end=local + timedelta(hours=2))
    stored = Event.objects.get(pk=forum.pk)
    assert stored.start == instant and stored.start.utcoffset() == timedelta(0)
    assert (stored.start_local.hour, stored.start_local.minute) == (10, 0)
    assert stored.start_local.utcoffset() == local.replace(tzinfo=None) - instant.replace(tzinfo=None)


@pytest.mark.parametrize(("local", "instant"), TEN_IN_PARIS)
def test_the_ics_file_carries_the_same_instant_in_utc(local, instant):
    forum = event("Forum", start=local, end=local + timedelta(hours=2))
    # As published (times still in Paris) and as read from the database (times in UTC): same file.
    for copy in (forum, Event.objects.get(pk=forum.pk)):
        item = ics_items([copy])["Forum"]
        assert item.decoded("dtstart") == instant
        assert item.decoded("dtstart").utcoffset() == timedelta(0)  # written in UTC ("Z"), no bare TZID
        assert item.decoded("dtend") - item.decoded("dtstart") == timedelta(hours=2)
    raw = ics.calendar([forum], "Agenda", "").decode()
    assert f"DTSTART:{instant:%Y%m%dT%H%M%S}Z" in raw
    assert "TZID=" not in raw  # a TZID would need a VTIMEZONE component


def test_events_crossing_midnight_or_a_change_keep_their_real_duration_everywhere():
    spring = event("Nuit de printemps", start=paris(2027, 3, 27, 20), end=paris(2027, 3, 28, 8))
    autumn = event("Nuit d'automne", start=paris(2027, 10, 30, 20), end=paris(2027, 10, 31, 8))
    midnight = event("Soirée", start=paris(2027, 5, 12, 22), end=paris(2027, 5, 13, 1, 30))
    expected = {
        "Nuit de printemps": timedelta(hours=11),  # the clocks skip 2 a.m.
        "Nuit d'automne": timedelta(hours=13),  # the clocks go through 2 a.m. twice
        "Soirée": timedelta(hours=3, minutes=30),
    }
    stored = {e.title: e for e in Event.objects.filter(pk__in=[spring.pk, autumn.pk, midnight.pk])}
    assert {title: e.end - e.start for title, e in stored.items()} == expected
    items = ics_items(list(stored.values()))
    assert {title: i.decoded("dtend") - i.decoded("dtstart") for title, i in items.items()} == expected
    # The wall clock is kept at both ends.
    assert [(e.start_local.hour, e.end_local.hour) for e in stored.values()] == [(20, 8), (22, 1), (20, 8)]


def titles(params) -> list[str]:
    result = search(params, now=BEFORE_ALL)
    assert not result.errors, result.errors
    return [e.title for e in result.events]


def test_du_and_au_are_days_in_paris_on_the_day_of_the_spring_change():
    event("Veille tard", start=paris(2027, 3, 27, 23), end=paris(2027, 3, 27, 23, 45))
    event("Jusqu'à minuit et demie", start=paris(2027, 3, 27, 23), end=paris(2027, 3, 28, 0, 30))
    event("Dix heures", start=paris(2027, 3, 28, 10), end=paris(2027, 3, 28, 12))
    event("Dernière heure", start=paris(2027, 3, 28, 23, 30), end=paris(2027, 3, 28, 23, 59))
    event("Lendemain", start=paris(2027, 3, 29, 0, 15), end=paris(2027, 3, 29, 1))
    day = "2027-03-28"
    # 23:45 on the 27th in Paris is 22:45 UTC: the 28th starts at 23:00 UTC on the 27th.
    assert titles({"du": day, "au": day}) == ["Jusqu'à minuit et demie", "Dix heures", "Dernière heure"]
    assert titles({"au": "2027-03-27"}) == ["Veille tard", "Jusqu'à minuit et demie"]
    assert titles({"du": "2027-03-29"}) == ["Lendemain"]


def test_du_and_au_are_days_in_paris_on_the_day_of_the_autumn_change():
    event("Veille tard", start=paris(2027, 10, 30, 23, 30), end=paris(2027, 10, 30, 23, 50))
    event("Dix heures", start=paris(2027, 10, 31, 10), end=paris(2027, 10, 31, 12))
    event("Dernière heure", start=paris(2027, 10, 31, 23, 30), end=paris(2027, 10, 31, 23, 59))
    event("Lendemain", start=paris(2027, 11, 1, 0, 15), end=paris(2027, 11, 1, 1))
    assert titles({"du": "2027-10-31", "au": "2027-10-31"}) == ["Dix heures", "Dernière heure"]
    assert titles({"au": "2027-10-30"}) == ["Veille tard"]
    assert titles({"du": "2027-11-01"}) == ["Lendemain"]


def test_the_search_does_not_depend_on_the_server_time_zone(settings):
    settings.TIME_ZONE = "UTC"
    event("Veille tard", start=paris(2027, 10, 30, 23, 30), end=paris(2027, 10, 30, 23, 50))
    event("Dix heures", start=paris(2027, 10, 31, 10), end=paris(2027, 10, 31, 12))
    event("Dernière heure", start=paris(2027, 10, 31, 23, 30), end=paris(2027, 10, 31, 23, 59))
    assert titles({"du": "2027-10-31", "au": "2027-10-31"}) == ["Dix heures", "Dernière heure"]


def test_a_recurring_workshop_is_its_sessions_each_once_and_never_an_rrule():
    sessions = [
        event("Atelier CV", kind="atelier", start=paris(2027, 3, day, 14), end=paris(2027, 3, day, 16))
        for day in (21, 28)
    ] + [event("Atelier CV", kind="atelier", start=paris(2027, 4, 4, 14), end=paris(2027, 4, 4, 16))]
    raw = ics.calendar(Event.objects.order_by("start"), "Agenda", "https://spro.test")
    parsed = Calendar.from_ical(raw)
    items = parsed.walk("VEVENT")
    assert [str(i["uid"]) for i in items] == [f"evenement-{s.pk}@spro" for s in sessions]
    assert [i.decoded("dtstart").astimezone(PARIS).strftime("%d/%m %H:%M") for i in items] == [
        "21/03 14:00",
        "28/03 14:00",  # the day of the spring change: still 14:00 in Paris
        "04/04 14:00",
    ]
    for item in items:
        assert not {"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"} & set(item)
    assert b"RRULE" not in raw


def test_a_description_cannot_smuggle_a_recurrence_rule_into_the_file():
    workflow.cancel(
        event(
            "Forum\r\nRRULE:FREQ=DAILY",
            description="Suite\r\nRRULE:FREQ=WEEKLY;COUNT=52\nEND:VEVENT",
        )
    )
    (item,) = Calendar.from_ical(ics.calendar(Event.objects.all(), "Agenda", "")).walk("VEVENT")
    assert "RRULE" not in item
    assert str(item["description"]).endswith("END:VEVENT")  # kept as text, escaped
    assert str(item["status"]) == "CANCELLED"
    lines = ics.calendar(Event.objects.all(), "Agenda", "").decode().splitlines()
    assert not [line for line in lines if line.startswith("RRULE")]
