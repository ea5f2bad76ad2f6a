"""The agenda search answers the same whatever path it takes (spro.events.search): without a commune,
the walk of the start index; around a commune, the band index for a small radius, the start index walked
over the next `WALK` events then the band index for a wide one. Each answer is checked against the
definition, computed here event by event: visible, not over, the filters, the exact distance, in start
order. `WALK` and `NEAR_KM` are the search's tuning constants, set small so that a few hundred events
take every path."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spro.events import rules
from spro.events import search as agenda
from spro.events.models import Audience, Event, State
from spro.territories.geo import distance_km
from spro.territories.models import Commune
from tests.directory.factories import structure
from tests.events.factories import paris

pytestmark = pytest.mark.django_db

NOW = paris(2027, 2, 1, 9)
TOULOUSE = (43.6045, 1.4440)


@pytest.fixture
def events():
    """300 events over 120 communes within 90 km of Toulouse, a season around NOW, with every state,
    audience, kind, public, need and ROME domain, some lasting weeks."""
    rng = random.Random(20)
    communes = [
        c
        for c in Commune.objects.filter(departement_id__in=["31", "81", "82", "32", "11", "09"]).exclude(
            latitude=None
        )
        if distance_km(*TOULOUSE, c.latitude, c.longitude) < 90
    ]
    communes = rng.sample(communes, 120)
    # Toulouse and its first ring, for the small radii.
    near = list(Commune.objects.filter(code__in=["31555", "31069", "31149", "31044", "31561", "31557"]))
    owners = [structure("cio", name=f"Organisateur {n}") for n in range(3)]
    batch = []
    for n in range(300):
        commune = rng.choice(near if rng.random() < 0.2 else communes)
        begin = NOW + timedelta(days=rng.randint(-40, 120), hours=rng.randint(0, 23))
        new = Event(
            structure=rng.choice(owners),
            title=f"Événement {n}",
            kind=rng.choice(list(rules.KINDS)),
            start=begin,
            end=begin + timedelta(hours=rng.choice([1, 3, 30 * 24])),
            commune=commune,
            latitude=commune.latitude,
            longitude=commune.longitude,
            publics=rng.sample(list(rules.PUBLICS), 2),
            themes=rng.sample(list(rules.THEMES), 2),
            rome_domains=[rng.choice("ABDKM") + rng.choice(["", "11", "12"])] if rng.random() < 0.7 else [],
            audience=Audience.PROFESSIONALS if rng.random() < 0.2 else Audience.PUBLIC,
            state=rng.choice([State.PUBLISHED] * 6 + [State.CANCELLED, State.PENDING, State.REFUSED]),
        )
        new.denormalise()
        batch.append(new)
    Event.objects.bulk_create(batch)
    return list(Event.objects.select_related("commune"))


def expected(events, params, professionals=False):
    """The definition of a search, event by event."""
    from datetime import datetime, time

    from spro.events.models import PARIS

    lower = NOW
    if params.get("du"):
        lower = max(lower, datetime.combine(datetime.fromisoformat(params["du"]), time(0), tzinfo=PARIS))
    found = []
    for e in events:
        if e.state not in (State.PUBLISHED, State.CANCELLED) or e.end < lower or e.end <= NOW:
            continue
        if not professionals and e.audience != Audience.PUBLIC:
            continue
        if params.get("au"):
            day_after = datetime.combine(datetime.fromisoformat(params["au"]), time(0), tzinfo=PARIS)
            if e.start >= day_after + timedelta(days=1):
                continue
        if params.get("type") and e.kind != params["type"]:
            continue
        if params.get("public") and params["public"] not in e.publics:
            continue
        if params.get("besoin") and params["besoin"] not in e.themes:
            continue
        domain = params.get("domaine")
        if domain and not any(code == domain or code[:1] == domain for code in e.rome_domains):
            continue
        if params.get("commune"):
            centre = Commune.objects.get(code=params["commune"])
            radius = float(params.get("rayon") or agenda.DEFAULT_RADIUS_KM)
            if distance_km(centre.latitude, centre.longitude, e.latitude, e.longitude) > radius:
                continue
        found.append(e)
    return [e.pk for e in sorted(found, key=lambda e: (e.start, e.pk))]


SEARCHES = [
    {},
    {"type": "atelier"},
    {"public": "demandeur-emploi", "besoin": "trouver-emploi"},
    {"domaine": "D"},
    {"domaine": "K11"},
    {"du": "2027-03-01", "au": "2027-03-20"},
    {"commune": "31555", "rayon": "5"},
    {"commune": "31555", "rayon": "15", "public": "16-25"},
    {"commune": "31555", "rayon": "40"},
    {"commune": "31555", "rayon": "40", "domaine": "A"},
    {"commune": "81004", "rayon": "60", "type": "job-dating", "du": "2027-02-15"},
    {"commune": "31555", "rayon": "120", "public": "retraite"},
    {"commune": "31555", "rayon": "200", "au": "2027-04-30"},
]


@pytest.mark.parametrize("walk", [3, 2000])
@pytest.mark.parametrize(
    "params", SEARCHES, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()) or "all"
)
def test_every_path_of_the_search_gives_the_events_of_the_definition(events, params, walk, monkeypatch):
    monkeypatch.setattr(agenda, "WALK", walk)
    monkeypatch.setattr(agenda, "NEAR_KM", 10)
    want = expected(events, params)
    assert want, "each search of the list finds events"
    assert [e.pk for e in agenda.search(params, now=NOW).events] == want
    assert agenda.search(params, now=NOW, limit=0, with_total=True).total == len(want)
    pages = [
        agenda.search(params, now=NOW, limit=7, offset=start).events for start in range(0, len(want) + 7, 7)
    ]
    assert [e.pk for page in pages for e in page] == want
    assert [e.pk for e in agenda.search(params, now=NOW, limit=5).events] == want[:5]


def test_professionals_see_their_events_on_every_path_too(events, monkeypatch):
    monkeypatch.setattr(agenda, "WALK", 10)
    for params in SEARCHES:
        got = agenda.search(params, now=NOW, professionals=True, limit=12).events
        assert [e.pk for e in got] == expected(events, params, professionals=True)[:12]


def test_the_events_of_a_page_come_whole_with_their_commune_and_organiser_in_one_query(events):
    with CaptureQueriesContext(connection) as queries:
        page = agenda.search({"commune": "31555", "rayon": "40"}, now=NOW, limit=20).events
        shown = [
            (e.title, e.commune.name, e.structure.name, e.structure.is_demo, e.start_local) for e in page
        ]
    assert len(shown) == 20 and len(queries) <= 6
    again = Event.objects.get(pk=page[0].pk)
    first = page[0]
    for name in ("title", "start", "end", "publics", "themes", "rome_domains", "accessibility", "state"):
        assert getattr(first, name) == getattr(again, name)
    assert first.commune.name == again.commune.name and first.structure.name == again.structure.name
    assert first.start.tzinfo is not None


def test_an_online_event_without_commune_is_listed_without_one():
    online = Event.objects.create(
        structure=structure("cio"),
        title="Webinaire de l'orientation",
        kind="webinaire",
        start=paris(2027, 3, 1, 18),
        end=paris(2027, 3, 1, 19),
        online_url="https://visio.example.org/orientation",
    )
    [listed] = agenda.search({}, now=NOW).events
    assert listed.pk == online.pk and listed.commune is None and listed.latitude is None
    assert agenda.search({"commune": "31555", "rayon": "200"}, now=NOW).events == []
