"""iCalendar (RFC 5545) files of events, written with `icalendar`: times in UTC (a "Z" time needs no
VTIMEZONE, whatever the time zone of the datetime given), cancelled events carry STATUS:CANCELLED so that
calendars that subscribed remove them. A recurring event is published session by session: each session
is its own VEVENT and no RRULE is ever written."""

from datetime import UTC

from icalendar import Calendar
from icalendar import Event as VEvent

from spro.events.models import State


def calendar(events, name: str, base_url: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//SPRO//Agenda//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        item = VEvent()
        item.add("uid", f"evenement-{event.pk}@spro")
        item.add("dtstamp", event.updated_at.astimezone(UTC))
        item.add("last-modified", event.updated_at.astimezone(UTC))
        item.add("dtstart", event.start.astimezone(UTC))
        item.add("dtend", event.end.astimezone(UTC))
        item.add("summary", event.title)
        if event.description:
            item.add("description", event.description)
        place = ", ".join(
            part for part in [event.address, event.commune.name if event.commune_id else ""] if part
        )
        item.add("location", place or event.online_url)
        if event.latitude is not None and event.longitude is not None:
            item.add("geo", (event.latitude, event.longitude))
        if base_url:
            item.add("url", f"{base_url}/agenda/{event.pk}/")
        item.add("status", "CANCELLED" if event.state == State.CANCELLED else "CONFIRMED")
        cal.add_component(item)
    return cal.to_ical()
