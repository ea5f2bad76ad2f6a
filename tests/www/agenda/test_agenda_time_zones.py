"""The agenda on screen across the daylight-saving changes (issue 20): a member publishes at 10:00 Paris
time on the day of a change; the list, the `du`/`au` filters, the event page, its JSON-LD, the iCalendar
files and GET /api/v1/evenements all give 10:00 in Paris and the same instant, even on a server whose
TIME_ZONE is not Paris. A time that does not exist or exists twice on a change day is refused in French.
A recurring event is published session by session (the form says so); cancelled ones keep their state."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from spro.events import workflow
from spro.events.models import PARIS, Event
from tests.accounts import factories as accounts
from tests.directory.factories import structure
from tests.events.factories import event, paris
from tests.forms import post_form

pytestmark = pytest.mark.django_db

SPRING, AUTUMN = "2027-03-28", "2027-10-31"  # the last Sundays of March and October 2027


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2027, 1, 15, 10, 0, tzinfo=PARIS), tick=True):
        yield


@pytest.fixture(params=["Europe/Paris", "UTC", "America/New_York"])
def server_time_zone(request, settings):
    """Deployments may set TIME_ZONE: the agenda speaks Paris time whatever it is."""
    settings.TIME_ZONE = request.param
    return request.param


@pytest.fixture
def cio():
    return structure("cio", name="CIO de Toulouse")


@pytest.fixture
def adviser(client, cio, settings):
    settings.SPRO_EVENTS_MODERATION = False
    client.force_login(accounts.member(cio, "conseiller@cio.test"))
    return client


def form_data(start: str, end: str) -> dict:
    return {
        "title": "Portes ouvertes du CIO",
        "kind": "portes-ouvertes",
        "start": start,
        "end": end,
        "address": "2 rue du Taur",
        "commune": "Toulouse",
        "audience": "public",
        "registration": "libre",
    }


def titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="fr-h5 fr-mb-1w"><a href="/agenda/\d+/">([^<]+)</a>', response.content.decode()
    )


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("day", "instant", "offset"),
    [
        (SPRING, datetime(2027, 3, 28, 8, tzinfo=UTC), "+02:00"),
        ("2027-03-29", datetime(2027, 3, 29, 8, tzinfo=UTC), "+02:00"),
        (AUTUMN, datetime(2027, 10, 31, 9, tzinfo=UTC), "+01:00"),
        ("2027-11-01", datetime(2027, 11, 1, 9, tzinfo=UTC), "+01:00"),
    ],
)
def test_ten_in_paris_on_a_change_day_is_the_same_instant_everywhere(
    adviser, cio, server_time_zone, day, instant, offset
):
    url = f"/espace-pro/agenda/structures/{cio.pk}/nouveau/"
    response = post_form(adviser, url, form_data(f"{day}T10:00", f"{day}T12:00"))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Event.objects.get()
    assert created.start == instant and created.end - created.start == timedelta(hours=2)

    listed = adviser.get(f"/agenda/?du={day}&au={day}")
    assert titles(listed) == ["Portes ouvertes du CIO"]
    assert "10h00" in listed.content.decode()
    previous = (datetime.fromisoformat(day) - timedelta(days=1)).date().isoformat()
    assert titles(adviser.get(f"/agenda/?au={previous}")) == []

    page = adviser.get(f"/agenda/{created.pk}/").content.decode()
    assert "de 10h00</time> à <time" in page and "12h00" in page and "(heure de Paris)" in page
    assert json_ld(page)["startDate"] == f"{day}T10:00:00{offset}"

    (item,) = Calendar.from_ical(adviser.get(f"/agenda/{created.pk}/evenement.ics").content).walk("VEVENT")
    assert item.decoded("dtstart") == instant and item.decoded("dtend") == instant + timedelta(hours=2)
    feed = Calendar.from_ical(adviser.get(f"/agenda/flux.ics?du={day}&au={day}").content)
    assert [e.decoded("dtstart") for e in feed.walk("VEVENT")] == [instant]

    api = adviser.get(f"/api/v1/evenements?du={day}&au={day}").json()
    assert [(i["debut"], i["fin"]) for i in api["items"]] == [
        (f"{day}T10:00:00{offset}", f"{day}T12:00:00{offset}")
    ]

    edit = adviser.get(f"/espace-pro/agenda/{created.pk}/modifier/").content.decode()
    assert f'value="{day}T10:00"' in edit  # the form shows Paris time back


def test_an_event_over_the_autumn_night_keeps_its_duration_from_form_to_file(adviser, cio, server_time_zone):
    url = f"/espace-pro/agenda/structures/{cio.pk}/nouveau/"
    response = post_form(adviser, url, form_data("2027-10-30T20:00", "2027-10-31T08:00"))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Event.objects.get()
    assert created.end - created.start == timedelta(hours=13)  # 2 a.m. happens twice
    page = adviser.get(f"/agenda/{created.pk}/").content.decode()
    assert "samedi 30 octobre 2027, 20h00" in page and "dimanche 31 octobre 2027, 08h00" in page
    (item,) = Calendar.from_ical(adviser.get(f"/agenda/{created.pk}/evenement.ics").content).walk("VEVENT")
    assert item.decoded("dtend") - item.decoded("dtstart") == timedelta(hours=13)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (f"{SPRING}T02:30", "n'existe pas à Paris"),  # clocks jump from 02:00 to 03:00
        (f"{AUTUMN}T02:30", "existe deux fois à Paris"),  # clocks go back from 03:00 to 02:00
    ],
)
def test_a_time_that_does_not_exist_or_exists_twice_is_refused_in_french(adviser, cio, start, message):
    url = f"/espace-pro/agenda/structures/{cio.pk}/nouveau/"
    response = post_form(adviser, url, form_data(start, start[:10] + "T09:00"))
    assert response.status_code == 422
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html and "changement d'heure" in html
    assert not Event.objects.exists()


def test_the_form_says_a_recurring_event_is_published_session_by_session(adviser, cio):
    html = adviser.get(f"/espace-pro/agenda/structures/{cio.pk}/nouveau/").content.decode()
    assert "publiez chaque séance comme un événement à part" in html
    assert not re.search(r'name="(rrule|recurrence|repetition)"', html)


def test_the_feed_lists_each_session_once_and_never_an_rrule(client):
    owner = structure("cio", name="CIO")
    for day in (14, 21, 28):  # the third session is on the day of the spring change
        event(
            "Atelier CV",
            owner=owner,
            kind="atelier",
            start=paris(2027, 3, day, 14),
            end=paris(2027, 3, day, 16),
        )
    for url in ("/agenda/flux.ics", f"/agenda/structures/{owner.pk}/flux.ics"):
        raw = client.get(url).content
        items = Calendar.from_ical(raw).walk("VEVENT")
        assert [i.decoded("dtstart").astimezone(PARIS).strftime("%d/%m %H:%M") for i in items] == [
            "14/03 14:00",
            "21/03 14:00",
            "28/03 14:00",
        ]
        assert len({str(i["uid"]) for i in items}) == 3
        assert b"RRULE" not in raw and b"RDATE" not in raw


def test_cancelled_events_keep_their_state_in_the_feeds_and_the_api(client):
    kept = event("Forum", start=paris(2027, 3, 28, 10), end=paris(2027, 3, 28, 12))
    gone = event("Salon", owner=kept.structure, start=paris(2027, 10, 31, 10), end=paris(2027, 10, 31, 12))
    workflow.cancel(gone, reason="Salle indisponible")
    for url in ("/agenda/flux.ics", f"/agenda/structures/{kept.structure_id}/flux.ics"):
        feed = Calendar.from_ical(client.get(url).content)
        assert {str(e["summary"]): str(e["status"]) for e in feed.walk("VEVENT")} == {
            "Forum": "CONFIRMED",
            "Salon": "CANCELLED",
        }
    (item,) = Calendar.from_ical(client.get(f"/agenda/{gone.pk}/evenement.ics").content).walk("VEVENT")
    assert str(item["status"]) == "CANCELLED"
    items = client.get("/api/v1/evenements").json()["items"]
    assert [(i["titre"], i["etat"], i["annule"]) for i in items] == [
        ("Forum", "publie", False),
        ("Salon", "annule", True),
    ]
    assert client.get("/api/v1/evenements?au=2027-10-30").json()["total"] == 1
