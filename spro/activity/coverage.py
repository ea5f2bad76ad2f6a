"""Territorial coverage of the SPRO: how far each commune lives from the nearest active site of each
network, and of any SPRO member; the population covered within a distance; the white zones.

`compute()` writes, for every commune with coordinates and every active network (plus `network=None`
for "any SPRO member": an active structure with a SPRO status), the distance to the nearest active
site, up to `MAX_DISTANCE_KM` (farther: empty). Pages and the API read the stored result
(`departement_rows`, `white_zones`) for any threshold up to that maximum.

The nearest site is found on a grid of latitude/longitude cells, pure Python: communes are taken cell
by cell; the sites of the cells around a commune's cell (a rectangle that holds every point within a
radius R of any point of the cell) are the candidates; R starts at one cell and doubles until the
nearest candidate lies within R (then no site outside the rectangle can be nearer) or R reaches the
maximum. The cell size follows the density of the network's sites (about two sites per occupied
cell). Candidates are compared on an equirectangular approximation at the commune's latitude (exact
enough below 200 km for the choice of the nearest); the distance stored is the great-circle one.
"""

import json
import math
import multiprocessing
import os
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from spro.activity.models import CommuneCoverage, CoverageRun
from spro.directory.codes import SiteKind
from spro.directory.hours import half_days_per_week
from spro.directory.models import Network, Site
from spro.territories.geo import KM_PER_DEGREE_LAT
from spro.territories.models import Commune, Departement

DEFAULT_DISTANCE_KM = 20.0
MAX_DISTANCE_KM = 200.0
ANY_MEMBER = ""  # the scope code of "any SPRO member" in URLs and forms (a network's code otherwise)
LEVELS = {
    "departement": ("commune__departement_id", "commune__departement__name"),
    "epci": ("commune__epci_id", "commune__epci__name"),
    "zone-emploi": ("commune__employment_zone_id", "commune__employment_zone__name"),
    "bassin-vie": ("commune__living_area_id", "commune__living_area__name"),
    "commune": ("commune_id", "commune__name"),
}
# The directory has no "bus" or itinerant kind: a permanence (a few half-days in a place the structure
# does not own: a mairie, a France Services, a stop of a bus) is its reception "hors les murs".
ITINERANT_KINDS = (SiteKind.PERMANENCE,)


class DistanceError(ValueError):
    """A distance threshold that cannot be used; the message is French, for the person."""


def parse_distance(value) -> float:
    """The threshold in km from a text or a number: finite, above 0, at most MAX_DISTANCE_KM."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_DISTANCE_KM
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        raise DistanceError("La distance doit être un nombre de kilomètres, par exemple 20.") from None
    if not math.isfinite(number):
        raise DistanceError("La distance doit être un nombre fini de kilomètres.")
    if number <= 0:
        raise DistanceError("La distance doit être supérieure à 0 km.")
    if number > MAX_DISTANCE_KM:
        raise DistanceError(f"La distance ne peut pas dépasser {MAX_DISTANCE_KM:g} km.")
    return number


# --- the nearest site -------------------------------------------------------------------------------
def _cell_degrees(sites) -> float:
    """Side of a grid cell in degrees: about one site per occupied cell, between 0.02° and the maximum
    distance (profiled: one per cell beats two or four)."""
    if not sites:
        return MAX_DISTANCE_KM / KM_PER_DEGREE_LAT
    coarse = 0.2  # ~20 km: the occupied area, seen through coarse cells
    occupied = len({(math.floor(lat / coarse), math.floor(lon / coarse)) for lat, lon in sites})
    side = math.sqrt(occupied * coarse * coarse / len(sites))
    return min(max(side, 0.02), MAX_DISTANCE_KM / KM_PER_DEGREE_LAT)


def _candidates(grid, i: int, j: int, rows: int, cols: int) -> list:
    """Sites of the cells (i ± rows, j ± cols)."""
    if (2 * rows + 1) * (2 * cols + 1) > len(grid):  # a wide rectangle over a sparse grid
        return [
            s for (ci, cj), cell in grid.items() if abs(ci - i) <= rows and abs(cj - j) <= cols for s in cell
        ]
    found = []
    get = grid.get
    for ci in range(i - rows, i + rows + 1):
        for cj in range(j - cols, j + cols + 1):
            cell = get((ci, cj))
            if cell:
                found.extend(cell)
    return found


def nearest_distances(points, sites, max_km: float = MAX_DISTANCE_KM, nearest: list | None = None) -> list:
    """For each (lat, lon) of `points`, the distance in km to the nearest of `sites` ((lat, lon)
    pairs), or None when none lies within `max_km`. Candidates are compared on an equirectangular
    projection at the point's latitude; the distance to the nearest is equirectangular at the mean
    latitude of both ends: within 0.1 % of the great-circle distance below 200 km (tests check it).
    `nearest`, a list as long as `points`, receives the nearest site of each point (or keeps None)."""
    result = [None] * len(points)
    if not sites or not points:
        return result
    d = _cell_degrees(sites)
    grid = defaultdict(list)
    for site in sites:
        grid[(math.floor(site[0] / d), math.floor(site[1] / d))].append(site)
    cells = defaultdict(list)
    for index, (lat, lon) in enumerate(points):
        cells[(math.floor(lat / d), math.floor(lon / d))].append(index)
    max_deg = max_km / KM_PER_DEGREE_LAT  # max_km in degrees of latitude
    cos, radians = math.cos, math.radians
    for (i, j), indexes in cells.items():
        # The most poleward latitude a search from this cell may reach: there a degree of longitude is
        # shortest, so the rectangle is widest in longitude.
        edge = max(abs(i * d), abs((i + 1) * d))
        pending, radius = indexes, d
        while pending:
            radius = min(radius, max_deg)
            cos_edge = cos(radians(min(89.0, edge + radius)))
            candidates = _candidates(grid, i, j, math.ceil(radius / d), math.ceil(radius / (d * cos_edge)))
            radius2, still = radius * radius, []
            if candidates:
                for index in pending:
                    lat, lon = points[index]
                    c2 = cos(radians(lat)) ** 2
                    # A list comprehension then min(): the profile's hot spot, twice as fast as a loop.
                    squares = [(a - lat) * (a - lat) + (b - lon) * (b - lon) * c2 for a, b in candidates]
                    best = min(squares)
                    if best <= radius2:
                        # The distance to the nearest, at the mean latitude of both ends.
                        a, b = candidates[squares.index(best)]
                        dx = (b - lon) * cos(radians((a + lat) / 2))
                        result[index] = math.sqrt((a - lat) * (a - lat) + dx * dx) * KM_PER_DEGREE_LAT
                        if nearest is not None:
                            nearest[index] = (a, b)
                    elif radius < max_deg:
                        still.append(index)
            elif radius < max_deg:
                still = pending
            pending, radius = still, radius * 2
    return [None if value is not None and value > max_km else value for value in result]


# --- every scope, on every core ------------------------------------------------------------------
# Below this many (commune, scope) pairs the search runs in this process: a process costs more than it
# saves (the tests' small territories).
PARALLEL_MIN_PAIRS = 100_000
_WORK = None  # what forked workers read (inherited, never pickled): see _scopes_distances


def _scope_distances(points, regional, rows, max_km: float, min_half_days: int):
    """([km or None per point], {index of `regional`: [km without permanences, km to a site open
    enough]}) for the sites `rows` ((lat, lon, kind, opening_hours) tuples) of one scope."""
    every, fixed, open_enough = _site_groups(rows, min_half_days)
    nearest = [None] * len(points)
    all_km = nearest_distances(points, every, max_km, nearest)
    # Where the nearest site is itself fixed (or open enough), so is the answer: only the other
    # communes of the Région are searched again (profiled: searching them all cost a quarter more).
    detail = {index: [all_km[index], all_km[index]] for index in regional}
    for column, subset in ((0, set(fixed)), (1, set(open_enough))):
        again = [i for i in regional if nearest[i] is not None and nearest[i] not in subset]
        found = nearest_distances([points[i] for i in again], list(subset), max_km) if subset else []
        for position, index in enumerate(again):
            detail[index][column] = found[position] if found else None
    return all_km, detail


def search_processes(pairs: int, scopes: int, processes: int | None = None) -> int:
    """How many processes search `scopes` scopes over `pairs` (commune, scope) pairs: 1 for a small
    search or without `fork`, else SPRO_COVERAGE_PROCESSES (0: one per core, at most 8), at most one
    per scope."""
    if pairs < PARALLEL_MIN_PAIRS or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if processes is None:
        processes = settings.SPRO_COVERAGE_PROCESSES or min(os.cpu_count() or 1, 8)
    return max(1, min(processes, scopes))


def _scope_worker(position: int):
    points, regional, scopes, max_km, min_half_days = _WORK
    return _scope_distances(points, regional, scopes[position], max_km, min_half_days)


def _scopes_distances(points, regional, scopes, max_km: float, min_half_days: int, processes=None) -> list:
    """`_scope_distances` of each scope (a list of site rows), in their order.

    The search is pure Python, bound by one core: with several cores (SPRO_COVERAGE_PROCESSES, default
    the machine's, at most 8) and enough work, the scopes are shared among forked processes, which
    read the communes and sites inherited from this one and send back only the distances (the
    national computation on 2 cores: about half the elapsed time). Without `fork` (or one core), in
    this process."""
    global _WORK
    processes = search_processes(len(points) * len(scopes), len(scopes), processes)
    if processes < 2:
        return [_scope_distances(points, regional, rows, max_km, min_half_days) for rows in scopes]
    # The biggest scopes first, so that no process is left with a big one at the end.
    order = sorted(range(len(scopes)), key=lambda position: -len(scopes[position]))
    _WORK = (points, regional, scopes, max_km, min_half_days)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            found = pool.map(_scope_worker, order, chunksize=1)
    finally:
        _WORK = None
    results = [None] * len(scopes)
    for position, value in zip(order, found, strict=True):
        results[position] = value
    return results


# --- what is computed and stored --------------------------------------------------------------------
@dataclass
class Result:
    communes: int = 0
    sites: int = 0
    networks: int = 0
    rows: int = 0
    seconds: float = 0.0


def active_sites():
    """Active sites of active structures of active networks, with coordinates."""
    return Site.objects.filter(
        is_active=True, structure__is_active=True, structure__network__is_active=True, latitude__isnull=False
    )  # remote entries (phone lines, websites) have no position: no distance to them


def member_sites():
    """Active sites of SPRO members: structures with a SPRO status (read through the relation, so that
    this room does not import the labels)."""
    return (
        active_sites().filter(structure__spro_status__isnull=False).exclude(structure__spro_status__status="")
    )


def _site_groups(rows, min_half_days: int):
    """(all, fixed, open) lists of (lat, lon) from (lat, lon, kind, opening_hours) rows: every site,
    those that are not permanences, those open at least `min_half_days` half-days a week."""
    # Schedules repeat a lot: each distinct one is read once (profiled: a call per site cost 1 s).
    open_hours = {h for h in {row[3] for row in rows} if h and (half_days_per_week(h) or 0) >= min_half_days}
    every = [(lat, lon) for lat, lon, _, _ in rows]
    fixed = [(lat, lon) for lat, lon, kind, _ in rows if kind not in ITINERANT_KINDS]
    open_enough = [(lat, lon) for lat, lon, _, hours in rows if hours in open_hours]
    return every, fixed, open_enough


def compute(communes=None, max_km: float = MAX_DISTANCE_KM, region_code: str | None = None) -> Result:
    """Recompute and store the coverage of every network and of any SPRO member (replaces the previous
    result, in one transaction: idempotent). `communes` restricts the communes (a queryset). The
    communes of `region_code` (default: the deployment's Région) also get the distances without
    permanences and to sites open at least SPRO_COVERAGE_MIN_HALF_DAYS half-days a week."""
    started, started_at = time.perf_counter(), timezone.now()
    region_code = settings.SPRO_REGION if region_code is None else region_code
    min_half_days = settings.SPRO_COVERAGE_MIN_HALF_DAYS
    communes = Commune.objects.all() if communes is None else communes
    commune_rows = list(
        communes.exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("pk")  # inserted in the order of the unique index: the B-tree grows at its end
        .values_list("pk", "latitude", "longitude", "region_id")
    )
    points = [(lat, lon) for _, lat, lon, _ in commune_rows]
    regional = [index for index, row in enumerate(commune_rows) if row[3] == region_code]
    # One read of the active sites, with their structure's SPRO status (empty: not a member), rather
    # than a second query for the members' sites (the same rows again).
    by_network, members = defaultdict(list), []
    sites = active_sites().values_list(
        "structure__network_id",
        "latitude",
        "longitude",
        "kind",
        "opening_hours",
        "structure__spro_status__status",
    )
    for network_id, lat, lon, kind, hours, status in sites:
        row = (lat, lon, kind, hours)
        by_network[network_id].append(row)
        if status:
            members.append(row)
    # In the order of the unique index (network, commune), "any member" (no network) first: each
    # scope's rows are appended at the end of the index.
    scopes = [(None, members)] + [
        (network_id, by_network.get(network_id, []))
        for network_id in Network.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    ]
    distances = dict(
        zip(
            (network_id for network_id, _ in scopes),
            _scopes_distances(points, regional, [rows for _, rows in scopes], max_km, min_half_days),
            strict=True,
        )
    )
    result = Result(
        communes=len(commune_rows),
        sites=sum(len(sites) for sites in by_network.values()),
        networks=len(scopes) - 1,
    )
    with _foreign_keys_unchecked(), transaction.atomic():
        result.rows = store(commune_rows, distances)
        result.seconds = time.perf_counter() - started
        previous = CoverageRun.objects.first()
        CoverageRun.objects.create(
            computed_at=started_at,  # the directory as read then: later changes make it stale
            seconds=round(result.seconds, 3),
            communes=result.communes,
            sites=result.sites,
            networks=result.networks,
            max_distance_km=max_km,
            region=region_code,
            min_half_days=min_half_days,
            # A change made while this computation ran marked the previous run: it is not in this one.
            stale_since=previous.stale_since
            if previous and previous.stale_since and previous.stale_since >= started_at
            else None,
        )
    return result


@contextmanager
def _foreign_keys_unchecked():
    """On SQLite, outside a transaction: foreign keys unchecked until the block ends (see `store`; they
    cannot be turned off inside a transaction). Elsewhere (PostgreSQL, or inside a caller's
    transaction) they stay checked."""
    unchecked = not connection.in_atomic_block and connection.disable_constraint_checking()
    try:
        yield
    finally:
        if unchecked:
            connection.enable_constraint_checking()


def store(commune_rows, distances: dict) -> int:
    """Replace the stored distances by `distances` ({network id or None: ([km or None per commune],
    {index of a commune of the Région: (km without permanences, km to a site open enough)})}).

    One INSERT … SELECT per scope, its rows passed as one parameter (a JSON array on SQLite, arrays on
    PostgreSQL) and unpacked by the database: profiled, binding ~730,000 rows one by one from Python
    (executemany) was a third of the national computation. When `compute` runs it on SQLite outside a
    caller's transaction, foreign keys are not checked row by row (and the DELETE empties the table at
    once instead of visiting each row): the rows written are those of the communes and networks still
    there once the DELETE holds the database's write lock, so none can point to nothing."""
    table = CommuneCoverage._meta.db_table
    columns = "network_id, commune_id, distance_km, distance_fixed_km, distance_open_km"
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        sql = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 (the table name is ours)
            "SELECT %s, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(%s)"
        )
    else:
        sql = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 (the table name is ours)
            "SELECT %s::bigint, c, d, f, o FROM unnest(%s::text[], %s::float8[], %s::float8[], %s::float8[]) "
            "AS u(c, d, f, o)"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the table name is ours)
        # Read under the write lock (SQLite), or checked by the foreign keys (PostgreSQL).
        existing = set(Commune.objects.values_list("pk", flat=True))
        networks = set(Network.objects.values_list("pk", flat=True))
        pks = [row[0] for row in commune_rows]
        kept = None if existing.issuperset(pks) else [pk in existing for pk in pks]
        rows = 0
        for network_id, (values, detail) in distances.items():
            if network_id is not None and network_id not in networks:
                continue
            kms = [None if km is None else round(km, 3) for km in values]
            if sqlite:
                # [commune, km], and for the Région's communes [commune, km, fixed km, open km].
                payload = list(zip(pks, kms, strict=True))
                for index, (fixed, open_km) in detail.items():
                    payload[index] = (pks[index], kms[index], _round(fixed), _round(open_km))
                if kept is not None:
                    payload = [row for row, keep in zip(payload, kept, strict=True) if keep]
                cursor.execute(sql, [network_id, json.dumps(payload, separators=(",", ":"))])
                rows += len(payload)
                continue
            fixed_kms, open_kms = [None] * len(pks), [None] * len(pks)
            for index, (fixed, open_km) in detail.items():
                fixed_kms[index], open_kms[index] = _round(fixed), _round(open_km)
            arrays = [pks, kms, fixed_kms, open_kms]
            if kept is not None:
                arrays = [[v for v, keep in zip(array, kept, strict=True) if keep] for array in arrays]
            cursor.execute(sql, [network_id, *arrays])
            rows += len(arrays[0])
    return rows


def _round(km):
    return None if km is None else round(km, 3)


def latest_run():
    return CoverageRun.objects.first()


# --- what pages and the API read --------------------------------------------------------------------
def _scope(network=None):
    return CommuneCoverage.objects.filter(network=None if network is None else network)


def _outside(distance: float) -> Q:
    return Q(distance_km=None) | Q(distance_km__gt=distance)


def area_rows(network, distance: float, region_code: str, level: str = "departement") -> list[dict]:
    """Per département (or EPCI, zone d'emploi, bassin de vie, commune) of the Région: `code`, `name`,
    `population`, `population_couverte`, `communes`, `communes_hors_zone`, `part_couverte` (0..1 or
    None)."""
    key, name = LEVELS[level]
    rows = (
        _scope(network)
        .filter(commune__region_id=region_code)
        .exclude(**{key: None})
        .values(key, name)
        .annotate(
            population=Sum("commune__population"),
            covered=Sum("commune__population", filter=~_outside(distance)),
            communes=Count("pk"),
            outside=Count("pk", filter=_outside(distance)),
        )
        .order_by(key)
    )
    return [
        {
            "code": row[key],
            "name": row[name],
            "population": row["population"] or 0,
            "population_couverte": row["covered"] or 0,
            "communes": row["communes"],
            "communes_hors_zone": row["outside"],
            "part_couverte": (row["covered"] or 0) / row["population"] if row["population"] else None,
        }
        for row in rows
    ]


def region_total(rows: list[dict]) -> dict:
    population = sum(r["population"] for r in rows)
    covered = sum(r["population_couverte"] for r in rows)
    return {
        "population": population,
        "population_couverte": covered,
        "communes": sum(r["communes"] for r in rows),
        "communes_hors_zone": sum(r["communes_hors_zone"] for r in rows),
        "part_couverte": covered / population if population else None,
    }


def white_zones(network, distance: float, region_code: str):
    """Communes of the Région farther than `distance` from any site of the scope, most populated first:
    `code`, `name`, `departement`, `population`, `distance_km` (None: farther than the maximum)."""
    rows = (
        _scope(network)
        .filter(commune__region_id=region_code)
        .filter(_outside(distance))
        .order_by("-commune__population", "commune__name", "commune_id")
        .values_list(
            "commune_id", "commune__name", "commune__departement_id", "commune__population", "distance_km"
        )
    )
    return [
        {"code": code, "name": name, "departement": dep, "population": pop, "distance_km": km}
        for code, name, dep, pop, km in rows
    ]


def commune_distances(network, region_code: str) -> tuple[dict, dict]:
    """({commune code: km or None}, {commune code: population}) of the Région's communes, for a map."""
    distances, populations = {}, {}
    rows = _scope(network).filter(commune__region_id=region_code)
    for code, km, population in rows.values_list("commune_id", "distance_km", "commune__population"):
        distances[code] = km
        populations[code] = population
    return distances, populations


def scope_sites(network, region_code: str) -> list[tuple[float, float, str]]:
    """(latitude, longitude, kind) of the active sites of the scope in the Région (the map's marks)."""
    sites = member_sites() if network is None else active_sites().filter(structure__network=network)
    return list(sites.filter(commune__region_id=region_code).values_list("latitude", "longitude", "kind"))


def _remote_sites(network):
    """Active remote entries (phone lines, chats, websites) of the scope."""
    sites = Site.objects.filter(
        kind=SiteKind.A_DISTANCE,
        is_active=True,
        structure__is_active=True,
        structure__network__is_active=True,
    )
    if network is None:
        return sites.filter(structure__spro_status__isnull=False).exclude(structure__spro_status__status="")
    return sites.filter(structure__network=network)


def remote_departements(network, region_code: str) -> set[str]:
    """Départements of the Région that a remote entry of the scope answers (all, for a regional one)."""
    mine = set(Departement.objects.filter(region_id=region_code).values_list("code", flat=True))
    served = set()
    for region, departements in _remote_sites(network).values_list("served_region", "served_departements"):
        if region == region_code:
            return mine
        served.update(d for d in departements or [] if isinstance(d, str))
    return served & mine


def reach_rows(network, distance: float, region_code: str, run) -> list[dict]:
    """What each kind of site adds in the Région, from the narrowest to the widest: `label`, `sites`
    (how many), `population_couverte`, `part_couverte`. Rows: sites open at least the run's half-days;
    fixed sites (no permanence); fixed sites and permanences (the coverage of the other tables); and
    with the remote entries (everyone in the départements they answer counts as reached)."""
    n = run.min_half_days
    physical = member_sites() if network is None else active_sites().filter(structure__network=network)
    physical = physical.filter(commune__region_id=region_code)
    hours = list(physical.values_list("kind", "opening_hours"))
    remote = remote_departements(network, region_code)
    within = lambda column: Q(**{f"{column}__lte": distance})  # noqa: E731
    sums = (
        _scope(network)
        .filter(commune__region_id=region_code)
        .aggregate(
            population=Sum("commune__population"),
            open_enough=Sum("commune__population", filter=within("distance_open_km")),
            fixed=Sum("commune__population", filter=within("distance_fixed_km")),
            physical=Sum("commune__population", filter=within("distance_km")),
            remote=Sum(
                "commune__population", filter=within("distance_km") | Q(commune__departement_id__in=remote)
            ),
        )
    )
    population = sums["population"] or 0

    def row(label, sites, covered):
        covered = covered or 0
        return {
            "label": label,
            "sites": sites,
            "population_couverte": covered,
            "part_couverte": covered / population if population else None,
        }

    open_count = sum(1 for _, h in hours if h and (half_days_per_week(h) or 0) >= n)
    fixed_count = sum(1 for kind, _ in hours if kind not in ITINERANT_KINDS)
    return [
        row(f"Lieux ouverts au moins {n} demi-journées par semaine", open_count, sums["open_enough"]),
        row("Lieux fixes (sans les permanences)", fixed_count, sums["fixed"]),
        row("Lieux fixes et permanences (accueil hors les murs)", len(hours), sums["physical"]),
        row(
            "Avec les services à distance (toute la population des départements qu'ils desservent)",
            len(hours) + _remote_sites(network).count(),
            sums["remote"],
        ),
    ]
