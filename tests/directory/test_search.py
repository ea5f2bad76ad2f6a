"""search_sites: the proximity search shared by the /annuaire/ page, the API and the aiguillage."""

import math
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from spro.directory import search
from spro.directory.search import SiteQuery, search_sites
from spro.territories.geo import KM_PER_DEGREE_LAT, bounding_box, distance_km
from spro.territories.models import Commune
from tests.directory import factories as f

pytestmark = pytest.mark.django_db
PARIS_TZ = ZoneInfo("Europe/Paris")
WEEKDAY_HOURS = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


def toulouse():
    commune = Commune.objects.get(code=f.TOULOUSE)
    return commune.latitude, commune.longitude


def names(result):
    return [hit.site.name for hit in result.items]


def around_toulouse(**criteria):
    lat, lon = toulouse()
    criteria.setdefault("radius_km", 30)
    return search_sites(SiteQuery(lat=lat, lon=lon, **criteria))


def test_it_sorts_sites_by_distance_and_gives_each_distance():
    f.site("Loin", north_km=12)
    f.site("Près", north_km=2)
    f.site("Moyen", east_km=-6)
    result = around_toulouse()
    assert names(result) == ["Près", "Moyen", "Loin"]
    assert [round(hit.distance_km) for hit in result.items] == [2, 6, 12]
    assert result.total == 3


def test_it_keeps_only_sites_within_the_radius():
    f.site("À 9 km", north_km=9)
    f.site("À 11 km", north_km=11)
    assert names(around_toulouse(radius_km=10)) == ["À 9 km"]


def test_it_uses_the_exact_distance_not_the_bounding_box_corners():
    # 8 km north and 8 km east is inside the 10 km box but 11.3 km away.
    f.site("Coin de la boîte", north_km=8, east_km=8)
    f.site("Bord est", east_km=9.9)
    result = around_toulouse(radius_km=10)
    assert names(result) == ["Bord est"]


def test_the_bounding_box_contains_every_point_of_the_circle():
    lat, lon = 48.0, 2.0
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 50)
    for bearing in range(0, 360, 5):  # the point 49.99 km away in each direction
        b = math.radians(bearing)
        d = 49.99 / 6371.0088
        p1, l1 = math.radians(lat), math.radians(lon)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        y = math.sin(b) * math.sin(d) * math.cos(p1)
        l2 = l1 + math.atan2(y, math.cos(d) - math.sin(p1) * math.sin(p2))
        plat, plon = math.degrees(p2), math.degrees(l2)
        assert distance_km(lat, lon, plat, plon) == pytest.approx(49.99, abs=0.01)
        assert min_lat <= plat <= max_lat and min_lon <= plon <= max_lon


def test_it_finds_a_site_just_inside_the_radius_at_the_box_edge():
    f.site("Juste dedans", east_km=19.95)
    f.site("Juste dehors", east_km=20.05)
    assert names(around_toulouse(radius_km=20)) == ["Juste dedans"]


@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 270])
def test_the_radius_is_exact_to_the_metre_in_every_direction(bearing):
    lat, lon = toulouse()
    f.site("À 29,999 km", position=f.destination(lat, lon, bearing, 29.999))
    f.site("À 30,001 km", position=f.destination(lat, lon, bearing, 30.001))
    result = around_toulouse(radius_km=30)
    assert names(result) == ["À 29,999 km"]
    assert result.total == 1
    assert result.items[0].distance_km == pytest.approx(29.999, abs=1e-6)


def test_many_sites_at_nearly_the_same_distance_come_in_exact_order():
    lat, lon = toulouse()
    for i in range(60):  # 60 sites between 10.000 and 10.059 km, in every direction
        f.site(f"Lieu {i:02d}", position=f.destination(lat, lon, (i * 137) % 360, 10 + i / 1000))
    result = around_toulouse(per_page=25, page=2)
    assert names(result) == [f"Lieu {i:02d}" for i in range(25, 50)]


def test_it_filters_by_need():
    f.site("CIO", needs=["orientation-scolaire"])
    f.site("VAE", network_code="conseil-vae", needs=["vae"], north_km=1)
    assert names(around_toulouse(need="vae")) == ["VAE"]


def test_it_filters_by_public():
    f.site("Pour les jeunes", publics=["jeunes-16-25"])
    f.site("Pour les cadres", network_code="apec", publics=["cadres"], north_km=1)
    assert names(around_toulouse(public="cadres")) == ["Pour les cadres"]


def test_a_site_open_to_everyone_matches_every_public():
    f.site("Cité des métiers", network_code="cite-des-metiers", publics=["tous-publics"])
    f.site("Pour les jeunes", network_code="mission-locale", publics=["jeunes-16-25"], north_km=1)
    assert names(around_toulouse(public="salaries")) == ["Cité des métiers"]


def test_it_filters_by_network():
    f.site("CIO", network_code="cio")
    f.site("Mission Locale", network_code="mission-locale", north_km=1)
    assert names(around_toulouse(network="mission-locale")) == ["Mission Locale"]


def test_it_filters_by_reception_mode():
    f.site("Sans rendez-vous", reception_modes=["sur-place"])
    f.site("Visio", reception_modes=["visio", "telephone"], north_km=1)
    assert names(around_toulouse(mode="visio")) == ["Visio"]


def test_a_need_code_does_not_match_a_longer_code_that_contains_it():
    f.site("Choisir", needs=["choisir-un-metier"])
    assert names(around_toulouse(need="metier")) == []


def test_it_ignores_inactive_sites_and_sites_of_inactive_structures():
    f.site("Actif")
    f.site("Fermé définitivement", is_active=False, north_km=1)
    closed = f.structure("cio", name="Structure inactive", is_active=False)
    f.site("Site d'une structure inactive", structure_obj=closed, north_km=2)
    assert names(around_toulouse()) == ["Actif"]


def test_it_ignores_inactive_services_for_needs():
    site = f.site("Lieu", needs=["orientation-scolaire"])
    service = site.services.get()
    service.is_active = False
    service.save()
    site.reindex()
    assert names(around_toulouse(need="orientation-scolaire")) == []


@time_machine.travel(datetime(2026, 11, 25, 10, 30, tzinfo=PARIS_TZ), tick=False)  # a Wednesday
def test_open_now_keeps_exactly_the_sites_open_at_this_minute():
    f.site("Ouvert en semaine", opening_hours=WEEKDAY_HOURS)
    f.site("Ouvert l'après-midi", opening_hours="Mo-Fr 14:00-18:00", north_km=1)
    f.site("Horaires inconnus", opening_hours="", north_km=2)
    f.site("Horaires illisibles", opening_hours="n'importe quoi", north_km=3)
    result = around_toulouse(open_now=True)
    assert names(result) == ["Ouvert en semaine"]
    assert result.total == 1
    assert result.items[0].state.code == "ouvert"
    assert result.items[0].state.text == "Ouvert maintenant, ferme à 12 h"


@time_machine.travel(datetime(2026, 11, 25, 10, 30, tzinfo=PARIS_TZ), tick=False)  # a Wednesday
def test_open_now_reads_the_distinct_schedules_of_the_whole_directory_or_of_the_circle_when_it_has_many(
    monkeypatch,
):
    f.site("Ouvert en semaine", opening_hours=WEEKDAY_HOURS)
    f.site("Ouvert l'après-midi", opening_hours="Mo-Fr 14:00-18:00", north_km=1)
    f.site("Ouvert à Albi", opening_hours="Mo-Fr 10:00-11:00", commune_code=f.ALBI)
    f.site("Ouvert mais désactivé", opening_hours="Mo-Su 00:00-24:00", is_active=False)
    f.site("Sans horaires", opening_hours="", north_km=2)
    # Every distinct schedule of the active sites, far ones included, none twice, never the empty one.
    expected = [WEEKDAY_HOURS, "Mo-Fr 14:00-18:00", "Mo-Fr 10:00-11:00"]
    assert sorted(search._active_schedules()) == sorted(expected)
    assert names(around_toulouse(open_now=True)) == ["Ouvert en semaine"]
    # A directory with more distinct schedules than are read: the circle's own, and the same answer.
    monkeypatch.setattr(search, "SCHEDULES_READ", 2)
    assert search._active_schedules() is None
    assert names(around_toulouse(open_now=True)) == ["Ouvert en semaine"]
    assert names(around_toulouse(open_now=True, radius_km=100)) == ["Ouvert en semaine", "Ouvert à Albi"]


@time_machine.travel(datetime(2026, 11, 11, 10, 30, tzinfo=PARIS_TZ), tick=False)  # 11 novembre
def test_open_now_knows_french_public_holidays():
    f.site("Fermé les jours fériés", opening_hours=WEEKDAY_HOURS)
    assert names(around_toulouse(open_now=True)) == []


@time_machine.travel(datetime(2026, 11, 28, 13, 0, tzinfo=PARIS_TZ), tick=False)  # a Saturday
def test_each_item_says_when_it_opens_next():
    f.site("Lieu", opening_hours=WEEKDAY_HOURS)
    (hit,) = around_toulouse().items
    assert hit.state.code == "ferme"
    assert hit.state.text == "Fermé, ouvre lundi à 9 h"


def test_text_search_ignores_accents_and_case_over_names_services_and_descriptions():
    f.site("Cité des métiers de Toulouse")
    f.site(
        "Point accueil",
        north_km=1,
        services=[{"name": "Atelier découverte des métiers du numérique", "needs": ["information-metiers"]}],
    )
    f.site("Antenne", north_km=2, description="Accueil des ÉLÈVES de seconde")
    f.site("Autre", north_km=3)
    assert names(around_toulouse(text="CITE DES METIERS")) == ["Cité des métiers de Toulouse"]
    assert names(around_toulouse(text="numerique")) == ["Point accueil"]
    assert names(around_toulouse(text="élèves seconde")) == ["Antenne"]
    assert around_toulouse(text="   ").total == 4


def test_text_search_requires_every_word():
    f.site("Mission Locale de Toulouse", network_code="mission-locale")
    assert names(around_toulouse(text="mission albi")) == []


def test_it_paginates_after_sorting_and_counts_every_match():
    for km in range(25):
        f.site(f"Lieu {km:02d}", north_km=km + 0.5)
    first = around_toulouse(per_page=10, page=1)
    third = around_toulouse(per_page=10, page=3)
    assert first.total == third.total == 25
    assert first.num_pages == 3
    assert names(first) == [f"Lieu {km:02d}" for km in range(10)]
    assert names(third) == [f"Lieu {km:02d}" for km in range(20, 25)]


def test_it_lists_at_most_the_nearest_max_listed_and_says_there_are_more(monkeypatch):
    monkeypatch.setattr(search, "MAX_LISTED", 30)
    for km in range(45):
        f.site(f"Lieu {km:02d}", north_km=km * 0.5 + 0.2)
    first, second, third = (around_toulouse(per_page=20, page=page) for page in (1, 2, 3))
    assert [(r.total, r.more, r.num_pages) for r in (first, second, third)] == [(30, True, 2)] * 3
    assert names(second) == [f"Lieu {km:02d}" for km in range(20, 30)]
    assert third.items == []
    exact = around_toulouse(radius_km=14)  # the 28 within 14 km: under the cap, counted exactly
    assert (exact.total, exact.more) == (28, False)


def test_more_sites_than_the_cap_at_one_same_point_are_listed_too(monkeypatch):
    """The circles counted to find the density shrink a bounded number of times (they would forever
    around sites sharing one position)."""
    monkeypatch.setattr(search, "MAX_LISTED", 100)
    monkeypatch.setattr(search, "FEW", 0)
    for number in range(120):
        f.site(f"Lieu {number:03d}", north_km=3)
    result = around_toulouse(per_page=5)
    assert (result.total, result.more) == (100, True)
    assert names(result) == [f"Lieu {number:03d}" for number in range(5)]


def test_without_a_position_the_listing_by_name_stops_at_the_cap_too(monkeypatch):
    monkeypatch.setattr(search, "MAX_LISTED", 3)
    for name in "EDCBA":
        f.site(f"Lieu {name}", commune_code=f.ALBI)
    result = search_sites(SiteQuery(text="lieu", per_page=2, page=2))
    assert (result.total, result.more, names(result)) == (3, True, ["Lieu C"])


def test_a_page_beyond_the_last_is_empty_but_keeps_the_count():
    f.site("Seul")
    result = around_toulouse(page=999_999_999)
    assert result.items == [] and result.total == 1


def test_without_a_position_it_lists_matching_sites_by_name():
    f.site("Zèbre", commune_code=f.ALBI)
    f.site("Abeille")
    result = search_sites(SiteQuery(text=""))
    assert names(result) == ["Abeille", "Zèbre"]
    assert [hit.distance_km for hit in result.items] == [None, None]


def test_it_loads_the_structure_network_and_active_services_of_each_item():
    f.site(
        "Lieu",
        services=[
            {"name": "Bilan", "needs": ["se-former"]},
            {"name": "Ancien service", "needs": ["se-former"], "is_active": False},
        ],
    )
    (hit,) = around_toulouse().items
    assert hit.site.structure.network.code == "cio"
    assert [s.name for s in hit.site.active_services] == ["Bilan"]


def test_the_page_s_services_are_the_orm_s_field_for_field_and_come_in_the_sites_query_on_postgresql():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from spro.directory.models import Service

    f.site(
        "Lieu aux services",
        services=[
            {"name": "Bilan", "needs": ["se-former"], "publics": ["jeunes-16-25"], "is_free": False},
            {"name": "Atelier CV", "needs": ["trouver-un-emploi"], "appointment_url": "https://rdv.example"},
            {"name": "Ancien service", "needs": ["se-former"], "is_active": False},
        ],
    )
    f.site("Lieu sans service actif", north_km=1, services=[{"name": "Fermé", "is_active": False}])
    pks = [hit.site.pk for hit in around_toulouse().items]
    fields = search.SERVICE_FIELDS
    with CaptureQueriesContext(connection) as ctx:
        loaded = search._load_page(pks)
    assert len(ctx.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    for pk in pks:
        expected = Service.objects.filter(site_id=pk, is_active=True).order_by("name", "id")
        shown = [tuple(getattr(s, name) for name in fields) for s in loaded[pk].active_services]
        assert shown == list(expected.values_list(*fields))
        assert all(s.site is loaded[pk] for s in loaded[pk].active_services)
    names_by_site = {loaded[pk].name: [s.name for s in loaded[pk].active_services] for pk in pks}
    assert names_by_site == {"Lieu aux services": ["Atelier CV", "Bilan"], "Lieu sans service actif": []}


def test_distance_is_great_circle_distance():
    site = f.site("Albi", commune_code=f.ALBI)
    lat, lon = toulouse()
    (hit,) = around_toulouse(radius_km=100).items
    assert hit.distance_km == pytest.approx(distance_km(lat, lon, site.latitude, site.longitude), abs=0.001)
    assert 60 < hit.distance_km < 80
    assert KM_PER_DEGREE_LAT == pytest.approx(111.19, abs=0.01)


def test_it_works_far_north_where_the_planar_shortcut_does_not_apply():
    near_pole = (89.5, 10.0)
    f.site("Station polaire", position=f.destination(*near_pole, 200, 40))
    f.site("Trop loin", position=f.destination(*near_pole, 20, 60))
    result = search_sites(SiteQuery(lat=near_pole[0], lon=near_pole[1], radius_km=50))
    assert names(result) == ["Station polaire"]
    assert result.items[0].distance_km == pytest.approx(40, abs=1e-6)


# --- the spatial pre-filter (bands of latitude) gives the same answers as a search over every site -----
def brute_force(query: SiteQuery) -> list[tuple[float, int]]:
    """(distance, pk) of every matching site, nearest first: the definition of the search, over all rows."""
    from spro.directory.models import Site

    found = []
    for site in Site.objects.filter(is_active=True, structure__is_active=True).exclude(latitude=None):
        if query.need and f"|{query.need}|" not in site.needs_index:
            continue
        publics = site.publics_index
        if query.public and f"|{query.public}|" not in publics and "|tous-publics|" not in publics:
            continue
        distance = distance_km(query.lat, query.lon, site.latitude, site.longitude)
        if distance <= query.radius_km:
            found.append((distance, site.pk))
    return sorted(found)


# Both ways of reading the circle: all its matches at once (few of them), or counted, then nearest first;
# with every structure active (the usual case: no test on them), or some inactive (a list of constants);
# and with a listing cap that dense circles reach (their density then found by counting smaller circles).
# The density grid that sizes the nearest-first circle: read by the first dense search, or out of date
# (empty: the dense circles are then sized by counting smaller ones).
@pytest.mark.parametrize(
    ("few", "inactive", "cap", "grid"),
    [
        (search.FEW, False, search.MAX_LISTED, "read"),
        (0, False, search.MAX_LISTED, "read"),
        (search.FEW, True, search.MAX_LISTED, "read"),
        (0, True, search.MAX_LISTED, "read"),
        (0, False, 200, "read"),
        (0, True, 200, "read"),
        (0, False, search.MAX_LISTED, "outdated"),
        (0, True, 200, "outdated"),
    ],
)
def test_it_answers_as_a_search_over_every_site_on_a_generated_directory(
    few, inactive, cap, grid, monkeypatch
):
    from spro.directory import demo
    from spro.directory.models import Structure

    monkeypatch.setattr(search, "FEW", few)
    monkeypatch.setattr(search, "MAX_LISTED", cap)
    monkeypatch.setattr(search._DensityGrid, "_current", {})
    if grid == "outdated":
        monkeypatch.setattr(search._DensityGrid, "_read", classmethod(lambda cls: {}))
    demo.generate(["94"], scale=2)  # Corse: dense towns, empty mountains, a sea between two départements
    if inactive:
        closed = list(Structure.objects.order_by("id").values_list("id", flat=True)[::4])
        Structure.objects.filter(id__in=closed).update(is_active=False)
        assert Structure.objects.filter(is_active=False).count() == len(closed) > 5
    rng = random.Random(7)
    communes = list(Commune.objects.filter(region="94").exclude(latitude=None))
    checked = capped = 0
    for _ in range(40):
        commune = rng.choice(communes)
        query = SiteQuery(
            lat=commune.latitude + rng.uniform(-0.05, 0.05),
            lon=commune.longitude + rng.uniform(-0.05, 0.05),
            radius_km=rng.choice([5, 10, 20, 30, 50]),
            need=rng.choice([None, "trouver-un-emploi", "se-former"]),
            public=rng.choice([None, "jeunes-16-25"]),
            per_page=rng.choice([5, 20]),
            page=rng.choice([1, 1, 2]),
        )
        expected = brute_force(query)
        result = search_sites(query)
        start = (query.page - 1) * query.per_page
        page = expected[:cap][start : start + query.per_page]
        assert (result.total, result.more) == (min(len(expected), cap), len(expected) > cap)
        capped += result.more
        assert [hit.site.pk for hit in result.items] == [pk for _d, pk in page]
        assert [hit.distance_km for hit in result.items] == [round(d, 3) for d, _pk in page]
        checked += len(page)
    assert checked > (150 if inactive else 200)  # the queries found sites: the comparison compared something
    assert (capped > 5) == (cap < search.MAX_LISTED)  # the small cap was reached by some searches


def test_a_circle_dense_for_the_grid_but_few_for_the_filters_is_counted_then_read_whole(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search._DensityGrid, "_current", {})
    monkeypatch.setattr(search, "FEW", 10)
    monkeypatch.setitem(search.USUAL_SHARE, "network", 1.0)  # a network usually keeps every site here
    for km in range(30):
        f.site(f"Lieu {km:02d}", north_km=km * 0.3 + 0.1, network_code="cio" if km % 6 else "mission-locale")
    search._DensityGrid.current(build=True)
    with CaptureQueriesContext(connection) as queries:
        result = around_toulouse(network="mission-locale")
    assert (result.total, names(result)) == (5, [f"Lieu {km:02d}" for km in range(0, 30, 6)])
    circle = [
        q["sql"]
        for q in queries.captured_queries
        if "directory_site" in q["sql"] and "s.latitude" in q["sql"]
    ]
    assert circle[0].startswith("SELECT COUNT(*)") and len(circle) == 2  # counted, then read once


def test_the_density_grid_tells_about_how_many_sites_a_circle_holds(monkeypatch):
    from spro.directory import demo

    monkeypatch.setattr(search._DensityGrid, "_current", {})
    demo.generate(["94"], scale=2)
    grid = search._DensityGrid.current(build=True)
    assert search._DensityGrid.current() is grid  # kept by the process
    ajaccio = Commune.objects.get(code="2A004")
    for radius in (10, 30, 50):
        query = SiteQuery(lat=ajaccio.latitude, lon=ajaccio.longitude, radius_km=radius)
        counted = len(brute_force(query))
        estimate = grid.sites_within(ajaccio.latitude, ajaccio.longitude, radius)
        assert 0.6 * counted <= estimate <= 1.6 * counted, (radius, counted, estimate)
    holding = grid.radius_holding(ajaccio.latitude, ajaccio.longitude, estimate / 4, 50)
    assert holding < 50
    assert 0.8 <= grid.sites_within(ajaccio.latitude, ajaccio.longitude, holding) / (estimate / 4) <= 1.25
    assert grid.sites_within(ajaccio.latitude + 5, ajaccio.longitude, 50) == 0  # out at sea


@pytest.mark.parametrize("latitude", [43.6, 43.59999999, 43.60000001, -89.99, 0.0, 45.05, 89.99, -0.05])
def test_the_database_computes_the_latitude_band_as_python_does(latitude):
    from spro.directory.models import LatitudeBand, Site, latitude_band

    site = f.site("Lieu", position=(latitude, 2.0))
    computed = Site.objects.filter(pk=site.pk).annotate(band=LatitudeBand("latitude")).get().band
    assert computed == latitude_band(latitude)


def test_sites_on_both_sides_of_a_band_edge_are_found():
    edge = 43.6  # (43.6 + 90) × 10 = 1336: a band starts here
    f.site("Au sud du bord", position=(edge - 0.0001, 1.44))
    f.site("Au nord du bord", position=(edge + 0.0001, 1.44))
    for lat in (edge - 0.004, edge + 0.004):
        result = search_sites(SiteQuery(lat=lat, lon=1.44, radius_km=1))
        assert sorted(names(result)) == ["Au nord du bord", "Au sud du bord"]


# --- needs, publics and modes are searched as bits of the site's masks ------------------------------------
def test_the_masks_mirror_the_codes_of_the_active_services_and_follow_their_changes():
    from spro.directory.codes import Need, Public, ReceptionMode, code_bit, code_mask

    site = f.site("Lieu", north_km=1)
    site.refresh_from_db()
    services = list(site.services.filter(is_active=True))
    assert site.needs_mask == code_mask(Need, [n for s in services for n in s.needs])
    assert site.publics_mask == code_mask(Public, [p for s in services for p in s.publics])
    assert site.modes_mask == code_mask(ReceptionMode, site.reception_modes)
    service = services[0]
    service.needs = [Need.VAE]
    service.save()
    site.reindex()
    site.refresh_from_db()
    assert site.needs_mask & code_bit(Need, Need.VAE)
    assert names(around_toulouse(need=Need.VAE)) == ["Lieu"]


def test_a_code_no_list_knows_has_no_bit_and_is_searched_in_the_strings():
    from spro.directory.codes import Need, code_bit, code_mask

    assert code_bit(Need, "besoin-inconnu") == 0
    assert code_mask(Need, ["besoin-inconnu", Need.VAE]) == code_bit(Need, Need.VAE)
    f.site("Lieu", north_km=1)
    assert around_toulouse(need="besoin-inconnu").total == 0


def test_the_bits_of_the_codes_stay_those_the_migration_gave():
    """New codes go at the end of their list: a code moved would change the bits stored in every site."""
    import importlib

    from spro.directory.codes import Need, Public, ReceptionMode

    migration = importlib.import_module("spro.directory.migrations.0013_site_search_masks")
    assert Need.values[: len(migration.NEEDS)] == migration.NEEDS
    assert Public.values[: len(migration.PUBLICS)] == migration.PUBLICS
    assert ReceptionMode.values[: len(migration.MODES)] == migration.MODES


# --- the count of a large circle, then its nearest (FEW = 0 takes that path for any circle) -------------
def _point(lat, lon, bearing, km):
    return f.destination(lat, lon, bearing, km)


def test_a_circle_whose_sites_sit_exactly_on_band_edges_is_counted_as_every_site_says(monkeypatch):
    monkeypatch.setattr(search, "FEW", 0)  # the count, then the nearest
    lat, lon = toulouse()
    expected = set()
    for i, band_edge in enumerate((43.5, 43.6, 43.7, 43.8)):  # the edges of the bands around Toulouse
        for east in (-0.3, -0.1, 0.0, 0.2, 0.37):
            site = f.site(f"Lieu {i} {east}", position=(band_edge, lon + east))
            if distance_km(lat, lon, band_edge, lon + east) <= 30:
                expected.add(site.pk)
    result = search_sites(SiteQuery(lat=lat, lon=lon, radius_km=30, per_page=100))
    assert result.total == len(expected) > 5
    assert {hit.site.pk for hit in result.items} == expected


def test_next_to_the_antimeridian_the_count_finds_the_sites_of_the_box_spanning_every_longitude(monkeypatch):
    monkeypatch.setattr(search, "FEW", 0)
    centre = (-17.7, 179.9)  # Fidji: the box reaches beyond the 180th meridian
    near = f.site("Au bord de l'antiméridien", position=(-17.7, 179.999))
    farther = f.site("À l'ouest", position=(-17.65, 179.7))
    f.site("Trop loin", position=(-17.7, 179.5))
    result = search_sites(SiteQuery(lat=centre[0], lon=centre[1], radius_km=30))
    assert result.total == 2
    assert [hit.site.pk for hit in result.items] == [near.pk, farther.pk]


def test_near_a_pole_the_count_still_answers_as_every_site_says(monkeypatch):
    monkeypatch.setattr(search, "FEW", 0)
    centre = (88.6, 10.0)  # the circle reaches 89° of latitude: no planar shortcut, the exact test decides
    near = [f.site(f"Près {b}", position=_point(*centre, b, 45)) for b in range(0, 360, 45)]
    for b in range(0, 360, 45):
        f.site(f"Loin {b}", position=_point(*centre, b, 55))
    result = search_sites(SiteQuery(lat=centre[0], lon=centre[1], radius_km=50, per_page=50))
    assert result.total == len(near)
    assert {hit.site.pk for hit in result.items} == {site.pk for site in near}


def test_the_nearest_are_found_when_the_centre_lies_in_a_sparse_part_of_a_dense_circle(monkeypatch):
    monkeypatch.setattr(search, "FEW", 0)  # counted (300 matches), then looked for in smaller circles
    lat, lon = toulouse()
    f.site("Seul près du centre", position=f.destination(lat, lon, 10, 5))
    rng = random.Random(5)
    for i in range(300):  # a town 26 to 34 km away: the first circle, sized for the mean density, misses it
        f.site(f"En ville {i}", position=f.destination(lat, lon, rng.uniform(80, 100), rng.uniform(26, 34)))
    query = SiteQuery(lat=lat, lon=lon, radius_km=50, per_page=3)
    expected = brute_force(query)
    result = search_sites(query)
    assert result.total == len(expected) == 301
    assert [hit.site.pk for hit in result.items] == [pk for _d, pk in expected[:3]]


def test_on_postgresql_the_connection_prepares_the_search_queries_after_a_few_runs():
    """The search's queries are bound by the server (not interpolated into the text), so that the
    connection prepares them (`prepare_threshold`, settings) and later searches skip their planning."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    f.site("Lieu", north_km=1)
    answers = [names(around_toulouse(network="cio")) for _ in range(6)]
    assert answers == [["Lieu"]] * 6
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    circle = [sql for sql in prepared if "directory_site" in sql and "s.latitude" in sql]
    assert circle, prepared
    assert all("$1" in sql for sql in circle)
