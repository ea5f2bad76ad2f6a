"""Proximity search over the directory: the one code path of the /annuaire/ page, the API and the
aiguillage (`spro.routing.places`).

How it stays fast at national scale (60,000 sites) without a GIS extension, on SQLite as on PostgreSQL:
1. one SQL query on the Site table, answered from one covering index (`site_search_band`): the bounding
   box as one index range of longitudes per band of 0.1° of latitude it crosses (`latitude_band`, an
   expression the database computes, so that a 50 km search reads the entries of its box, not those of
   a strip across the whole country), then the denormalised columns: need, public and reception mode
   as integer bit masks (one AND per row; the `|code|` strings were a sixth of a dense count), the
   network's code, and, for words, the normalised `search_text`;
2. in the same query, a planar distance (arithmetic only, no function call per row) keeps the points
   surely inside the circle; only the few points within a hair of the circle's edge get the exact
   great-circle (haversine) test. The planar distance differs from the great-circle distance by less
   than 0.5·(d/R)² relative (0.003 % at 50 km), hence the margin `EDGE`;
3. a circle of at most `FEW` matches is read once, unsorted, and gives both the count and the nearest
   (exact great-circle distance in Python); a larger one is counted up to `MAX_LISTED` + 1 (a search lists
   the MAX_LISTED nearest at most, so that no count grows with the directory), then its nearest are read
   first by planar distance in a smaller circle sized from the density (smaller circles counted where the
   cap hides it), with a check that the planar order cannot have left out a nearer site (else it fetches
   more);
4. "ouvert maintenant" evaluates each distinct schedule of the candidates once, then filters on the
   schedules open now;
5. only the requested page is loaded (site, structure, network, commune in one query, active services in
   another), as model instances built straight from the rows, and only its items get their opening
   state sentence.
"""

import json
import math
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from django.db import connection, models
from django.db.models.base import ModelState
from django.utils import timezone

from spro.directory import hours
from spro.directory.codes import Need, Public, ReceptionMode, code_bit
from spro.directory.models import Network, Service, Site, Structure, latitude_band, latitude_band_sql
from spro.territories.geo import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT, bounding_box, distance_km
from spro.territories.lookup import normalize
from spro.territories.models import Commune

DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 200
MAX_PER_PAGE = 100
EXTRA_ROWS = 20  # fetched beyond the page to re-sort by exact distance
# A search lists at most this many sites, nearest first, and counts no further (the agenda does the same):
# the count of a circle stops there, so that it reads at most MAX_LISTED + 1 rows however dense the
# circle (counting every match made the search grow with the directory: 2.4 ms at 8,000 sites,
# 13.5 ms at 256,000, bench.search growth). Beyond, the person narrows the search.
MAX_LISTED = 1000
DEGREE = math.pi / 180


@dataclass
class SiteQuery:
    lat: float | None = None
    lon: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    need: str | None = None
    public: str | None = None
    network: str | None = None
    mode: str | None = None
    open_now: bool = False
    text: str = ""
    page: int = 1
    per_page: int = 20
    # Only sites of these structures (None: any); rooms above the directory compute it (SPRO status).
    structure_ids: frozenset[int] | None = None

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class SiteHit:
    site: Site
    distance_km: float | None
    state: hours.OpeningState


@dataclass
class SearchResult:
    query: SiteQuery
    total: int  # at most MAX_LISTED
    page: int
    per_page: int
    items: list[SiteHit] = field(default_factory=list)
    more: bool = False  # more than `total` sites match: only the MAX_LISTED nearest are listed

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_demo(self) -> bool:
        return any(hit.site.structure.is_demo for hit in self.items)


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ensure_math_functions():
    """SQLite builds without the math functions get Python ones (used only at the circle's edge)."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    raw = connection.connection
    if getattr(connection, "_spro_math_checked", None) is raw:
        return
    try:
        raw.execute("SELECT asin(sqrt(power(sin(0.5), 2) + cos(0.5)))").fetchone()
    except Exception:
        for name, arity, function in (
            ("sin", 1, math.sin),
            ("cos", 1, math.cos),
            ("asin", 1, math.asin),
            ("sqrt", 1, math.sqrt),
            ("power", 2, math.pow),
        ):
            raw.create_function(name, arity, function, deterministic=True)
    connection._spro_math_checked = raw


class _Sql:
    """The WHERE clause of a query and its parameters."""

    def __init__(
        self,
        query: SiteQuery,
        words: list[str],
        open_schedules: list[str] | None = None,
        inactive: tuple[int, ...] | None = None,
    ):
        self.table = connection.ops.quote_name(Site._meta.db_table)
        # Remote entries (no coordinates) are never "near": `remote_sites` lists them apart.
        self.where = ["s.is_active"]
        self.params: list = []
        if inactive is None:  # not read beforehand (`inactive_structures`): the database looks them up
            structures = connection.ops.quote_name(Structure._meta.db_table)
            self.where.append(f"s.structure_id NOT IN (SELECT id FROM {structures} WHERE NOT is_active)")
        elif inactive:  # usually none, and then no test at all
            self.add(f"s.structure_id NOT IN ({', '.join(['%s'] * len(inactive))})", *inactive)
        if not query.has_position:  # with one, the circle leaves out points without coordinates
            self.where.append("s.latitude IS NOT NULL")
        # Codes of the lists as one AND on the site's masks (a code no list knows has no bit: the
        # strings are searched, as before the masks).
        if query.need:
            self._code("needs", Need, query.need)
        if query.public:  # a service open to everyone serves every public
            bit = code_bit(Public, query.public)
            if bit:
                self.add("(s.publics_mask & %s) <> 0", bit | code_bit(Public, Public.TOUS))
            else:
                self.add(
                    "(s.publics_index LIKE %s ESCAPE '\\' OR s.publics_index LIKE %s ESCAPE '\\')",
                    _like(f"|{query.public}|"),
                    _like(f"|{Public.TOUS}|"),
                )
        if query.network:
            self.add("s.network_code = %s", query.network)
        if query.mode:
            self._code("modes", ReceptionMode, query.mode)
        if query.structure_ids is not None:
            ids = sorted(query.structure_ids)
            if ids:
                self.add(f"s.structure_id IN ({', '.join(['%s'] * len(ids))})", *ids)
            else:
                self.where.append("1 = 0")
        for word in words:
            self.add("s.search_text LIKE %s ESCAPE '\\'", _like(word))
        if open_schedules is not None:
            self.add(f"s.opening_hours IN ({', '.join(['%s'] * len(open_schedules))})", *open_schedules)
        self.distance = ""  # SQL expression of the planar distance², when there is a position
        self.distance_params: list = []
        if query.has_position:
            self._circle(query)

    def _code(self, prefix: str, choices, code: str):
        bit = code_bit(choices, code)
        if bit:
            self.add(f"(s.{prefix}_mask & %s) <> 0", bit)
        else:
            self.add(f"s.{prefix}_index LIKE %s ESCAPE '\\'", _like(f"|{code}|"))

    def add(self, clause: str, *params):
        self.where.append(clause)
        self.params.extend(params)

    def _circle(self, query: SiteQuery):
        lat0, lon0, radius = query.lat, query.lon, query.radius_km
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, radius)
        # The bands of latitude the box crosses: with the longitude, one range of the index per band.
        bands = range(latitude_band(min_lat), latitude_band(max_lat) + 1)
        band = latitude_band_sql("s.latitude", connection.vendor)
        self.add(f"{band} IN ({', '.join(['%s'] * len(bands))})", *bands)
        if -180 <= min_lon and max_lon <= 180:  # else the box spans or crosses the antimeridian
            self.add("s.longitude BETWEEN %s AND %s", min_lon, max_lon)
        # No test of the latitude against the box: the bands bound it, the circle's test below decides
        # (a test per row that a count of a dense area paid for nothing, EXPLAIN and timings on SQLite).
        # Planar distance²: east-west degrees scaled by the cosine of the mid-latitude (first-order).
        k = KM_PER_DEGREE_LAT
        cos0, half_sin0 = math.cos(lat0 * DEGREE), math.sin(lat0 * DEGREE) * DEGREE / 2
        dy = "((s.latitude - %s) * %s)"
        dx = "((s.longitude - %s) * (%s - %s * (s.latitude - %s)) * %s)"
        self.distance = f"({dy} * {dy} + {dx} * {dx})"
        dy_params = [lat0, k]
        dx_params = [lon0, cos0, half_sin0, lat0, k]
        self.distance_params = dy_params * 2 + dx_params * 2
        # Margin: the relative error measured is below 0.45·(d/R)² up to 70° of latitude; take about ten
        # times that, more towards the poles. Near a pole the planar distance means nothing: every
        # candidate then gets the exact test.
        widest = min(abs(lat0) + radius / k, 89.0)
        edge = 4 * (radius / EARTH_RADIUS_KM) ** 2 * (1 + math.tan(widest * DEGREE) ** 2) + 1e-9
        square, square_params = "", []
        if edge < 0.5:
            inner, outer = (radius * (1 - edge)) ** 2, (radius * (1 + edge)) ** 2
            # The square inscribed in the inner circle, in degrees (its east-west half-side taken where
            # a degree of longitude is longest): a point in it is inside without any arithmetic, which
            # spares the distance to about half the rows a count reads.
            half = 0.999 * radius * (1 - edge) / math.sqrt(2) / k
            equatorward = max(abs(lat0) - half, 0.0)
            half_lon = half / math.cos(equatorward * DEGREE)
            if abs(lat0) + half < 89.0 and -180 < lon0 - half_lon and lon0 + half_lon < 180:
                square = "(s.latitude BETWEEN %s AND %s AND s.longitude BETWEEN %s AND %s) OR "
                square_params = [lat0 - half, lat0 + half, lon0 - half_lon, lon0 + half_lon]
        else:
            edge, inner, outer = 1.0, -1.0, 1e30
        haversine = (
            "2 * %s * asin(sqrt(power(sin((s.latitude - %s) * %s / 2), 2)"
            " + %s * cos(s.latitude * %s) * power(sin((s.longitude - %s) * %s / 2), 2)))"
        )
        haversine_params = [EARTH_RADIUS_KM, lat0, DEGREE, cos0, DEGREE, lon0, DEGREE]
        self.add(
            f"({square}{self.distance} <= %s OR ({self.distance} <= %s AND {haversine} <= %s))",
            *square_params,
            *self.distance_params,
            inner,
            *self.distance_params,
            outer,
            *haversine_params,
            radius,
        )
        self.edge = edge

    def select(self, columns: str, order: str = "", limit: int | None = None, offset: int = 0):
        sql = f"SELECT {columns} FROM {self.table} s WHERE {' AND '.join(self.where)}"
        params = list(self.params)
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    if connection.vendor == "postgresql":
        return _fetch_bound(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fetch_bound(sql: str, params: list) -> list[tuple]:
    """On PostgreSQL, the search's queries with their parameters bound by the server, so that the
    connection prepares each of them once (`prepare_threshold`, settings) and later runs skip the
    parsing and planning: Django's cursors interpolate the parameters into the text, which the server
    then plans afresh on every call (p95 of the search 13.0 → 10.5 ms, README). The cursor is wrapped
    like Django's own, so that queries are logged and counted the same way."""
    import psycopg

    connection.ensure_connection()
    with connection._prepare_cursor(psycopg.Cursor(connection.connection)) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def inactive_structures() -> tuple[int, ...] | None:
    """On SQLite, the ids of the inactive structures, read once per search (a few rows of the partial
    index `structure_inactive`) and given to the search's queries as a list of constants: the subquery
    `NOT IN (SELECT id …)` was tested on every row of the circle, a sixth of a dense count (0.46 ms of
    2.63 ms for the 12,000 rows of 50 km around Paris), when usually no structure is inactive.
    None on PostgreSQL, which hashes the subquery's result once per query: there, reading the ids
    first cost a round trip, more than the test it spared."""
    if connection.vendor != "sqlite":
        return None
    table = connection.ops.quote_name(Structure._meta.db_table)
    return tuple(row[0] for row in _fetch(f"SELECT id FROM {table} WHERE NOT is_active ORDER BY id", []))


SCHEDULES_READ = 512  # distinct schedules of the directory read for "ouvert maintenant", at most


def _active_schedules() -> list[str] | None:
    """Every distinct schedule of the active sites, read by skipping from one to the next in the
    `site_schedule` index (one probe per schedule, whatever the number of sites), or None when there
    are more than SCHEDULES_READ of them."""
    table = connection.ops.quote_name(Site._meta.db_table)
    # Each step names the index's condition, so that SQLite may use it (a partial index).
    indexed = "is_active AND NOT (opening_hours = '')"
    # The first schedule after a value, as the index's next entry (MIN() read the whole range on SQLite).
    first = f"SELECT opening_hours FROM {table} WHERE {indexed}{{}} ORDER BY opening_hours LIMIT 1"
    sql = (
        f"WITH RECURSIVE schedules (value, n) AS (SELECT ({first.format('')}), 1"
        f" UNION ALL SELECT ({first.format(' AND opening_hours > schedules.value')}), n + 1"
        " FROM schedules WHERE value IS NOT NULL AND n <= %s)"
        " SELECT value FROM schedules WHERE value IS NOT NULL"
    )
    rows = _fetch(sql, [SCHEDULES_READ])
    return None if len(rows) > SCHEDULES_READ else [row[0] for row in rows]


def _open_schedules(sql_query: _Sql, now) -> list[str]:
    """The distinct schedules open now: of the whole directory when it has few (the distinct schedules
    of a dense circle read every site in it, 11–17 ms at 256,000 sites), else of the circle's candidates."""
    schedules = _active_schedules()
    if schedules is None:
        sql, params = sql_query.select("DISTINCT s.opening_hours")
        schedules = [row[0] for row in _fetch(sql, params) if row[0]]
    return [schedule for schedule in schedules if hours.state_code(schedule, now) == hours.OPEN]


def _nearest(query: SiteQuery, sql_query: _Sql, wanted: int) -> list[tuple[float, int]]:
    """[(exact distance, pk)] of the `wanted` nearest matches (fewer if there are fewer), nearest first."""
    limit = wanted + EXTRA_ROWS
    while True:
        sql, params = sql_query.select(
            f"s.id, s.latitude, s.longitude, {sql_query.distance}", f"{sql_query.distance}, s.id", limit
        )
        where, paging = params[:-2], params[-2:]
        rows = _fetch(sql, sql_query.distance_params + where + sql_query.distance_params + paging)
        exact = sorted((distance_km(query.lat, query.lon, lat, lon), pk) for pk, lat, lon, _d2 in rows)
        if len(rows) < limit:
            return exact[:wanted]
        # Every site not fetched is at least this far (planar distance, shrunk by the margin).
        unseen = math.sqrt(rows[-1][3]) * (1 - sql_query.edge)
        if unseen > exact[wanted - 1][0]:
            return exact[:wanted]
        limit *= 2


def _ranked_window(
    query: SiteQuery, words, open_schedules, inactive, start: int, per_page: int
) -> tuple[int, list]:
    """(total, [(distance or None, pk)] of the page), nearest first.

    With many matches (a big radius in a dense area), sorting them all would cost most of the time: the
    nearest ones are looked for in a smaller circle first, sized from the density (any site outside a
    circle is farther than every site inside it), and in the whole circle only if it holds too few.
    """
    sql_query = _Sql(query, words, open_schedules, inactive)
    wanted = min(start + per_page, MAX_LISTED)
    if start >= wanted:  # past the listed ones: only the count
        return _count(sql_query), []
    if not query.has_position:
        sql, params = sql_query.select("s.id", "s.name, s.id", wanted - start, start)
        return _count(sql_query), [(None, row[0]) for row in _fetch(sql, params)]
    grid = _DensityGrid.current()
    around = None if grid is None else grid.sites_within(query.lat, query.lon, query.radius_km)
    # Most searches: a circle of few matches, whose one read gives both the count and the nearest. Where
    # the grid says the circle is dense even once the filters have taken their usual share, that read
    # would be lost (it stops at FEW + 1 rows, then the circle is counted anyway): it is skipped.
    if around is None or around * _usual_share(query, words, open_schedules) <= 2 * FEW:
        few = _all_if_few(query, sql_query, wanted)
        if few is not None:
            total, nearest = few
            return total, nearest[start:wanted]
    total = _count(sql_query)
    if total <= FEW:  # fewer than the grid foretold: read whole after all (unless sites came meanwhile)
        few = _all_if_few(query, sql_query, wanted)
        if few is not None:
            total, nearest = few
            return total, nearest[start:wanted]
    need = wanted + EXTRA_ROWS
    # The nearest first, in a smaller circle sized from the density (any site outside a circle is farther
    # than every site inside it): the grid's density around the centre, times the share of the circle's
    # sites the filters kept (from the count; a lower bound when the count stopped at the cap).
    if grid is None:
        grid = _DensityGrid.current(build=True)
        around = grid.sites_within(query.lat, query.lon, query.radius_km)
    if around >= total:
        radius = grid.radius_holding(query.lat, query.lon, 3 * need * around / total, query.radius_km)
        count = 3 * need
    else:  # the grid is out of date: smaller circles are counted until one holds fewer than the cap
        radius, count = query.radius_km, total
        for _ in range(6):  # bounded: sites at one same point stay more than the cap in every circle
            if count <= MAX_LISTED or 3 * need >= MAX_LISTED:
                break
            radius *= math.sqrt(3 * need / MAX_LISTED)
            count = _count(_Sql(replace(query, radius_km=radius), words, open_schedules, inactive))
    # Sized for the circle's mean density; where the centre lies in a sparser part (a suburb with the city
    # at the circle's edge), twice as wide each time rather than the whole circle at once: one search of
    # bench.search sorted its 4,000 matches (4 ms) when 40 were wanted.
    guess = radius * math.sqrt(3 * need / count) if count > 8 * need else radius
    nearest = []
    while guess < query.radius_km and len(nearest) < wanted:
        smaller = _Sql(replace(query, radius_km=guess), words, open_schedules, inactive)
        nearest = _nearest(query, smaller, wanted)
        guess *= 2
    if len(nearest) < wanted:
        nearest = _nearest(query, sql_query, wanted)
    return total, nearest[start:wanted]


FEW = 400  # matches read in one go, without counting first

# The usual share of a circle's sites that each filter keeps (bench.search's national directory): only to
# choose the cheaper way of reading the circle, never to answer.
USUAL_SHARE = {"need": 0.4, "public": 0.7, "network": 0.15, "mode": 0.4, "word": 0.2, "open_now": 0.5}


def _usual_share(query: SiteQuery, words: list[str], open_schedules) -> float:
    share = 1.0
    for name, used in (
        ("need", query.need),
        ("public", query.public),
        ("network", query.network),
        ("mode", query.mode),
        ("open_now", open_schedules is not None),
    ):
        if used:
            share *= USUAL_SHARE[name]
    return share * USUAL_SHARE["word"] ** len(words) * (0.3 if query.structure_ids is not None else 1.0)


class _DensityGrid:
    """The active sites with a position per cell of 0.1° of latitude (the index's band) × 0.1° of
    longitude, read in one query and kept by the process for GRID_SECONDS: how dense a circle is, before
    reading it. Only chooses the way of reading (whole, or counted then nearest first, and the size of the
    nearest-first circle); an outdated grid makes a search slower, never wrong."""

    GRID_SECONDS = 600
    CELLS_PER_DEGREE = 10
    _current: dict[str, "_DensityGrid"] = {}

    def __init__(self, cells: dict[tuple[int, int], int]):
        self.cells = cells
        self.read_at = time.monotonic()

    @classmethod
    def current(cls, build: bool = False) -> "_DensityGrid | None":
        """The process's grid for this database; None when it has none yet or an old one, unless `build`
        (the first dense search of a process reads it: a few tens of ms on the national directory)."""
        key = f"{connection.vendor}:{connection.settings_dict['NAME']}"
        grid = cls._current.get(key)
        if grid is not None and time.monotonic() - grid.read_at < cls.GRID_SECONDS:
            return grid
        if not build:
            return None
        grid = cls._current[key] = cls(cls._read())
        return grid

    @classmethod
    def _read(cls) -> dict[tuple[int, int], int]:
        table = connection.ops.quote_name(Site._meta.db_table)
        band = latitude_band_sql("latitude", connection.vendor)
        cells = f"(longitude + 180.0) * {cls.CELLS_PER_DEGREE}.0"  # never negative: truncating is flooring
        column = f"CAST({cells} AS INTEGER)"
        if connection.vendor != "sqlite":
            column = f"CAST(FLOOR({cells}) AS INTEGER)"
        sql = (
            f"SELECT {band}, {column}, COUNT(*) FROM {table} WHERE is_active AND latitude IS NOT NULL"
            f" AND longitude IS NOT NULL GROUP BY 1, 2"
        )
        return {(lat_cell, lon_cell): count for lat_cell, lon_cell, count in _fetch(sql, [])}

    def sites_within(self, lat: float, lon: float, radius_km: float) -> float:
        """About how many sites lie within `radius_km` (sites spread evenly within each cell)."""
        step = 1 / self.CELLS_PER_DEGREE
        dlat = radius_km / KM_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(lat * DEGREE), 0.01)
        south, north, west, east = lat - dlat, lat + dlat, lon - dlon, lon + dlon
        total = 0.0
        for lat_cell in range(latitude_band(south), latitude_band(north) + 1):
            cell_south = lat_cell * step - 90.0
            height = min(north, cell_south + step) - max(south, cell_south)
            if height <= 0:
                continue
            first = math.floor((west + 180.0) * self.CELLS_PER_DEGREE)
            for lon_cell in range(first, math.floor((east + 180.0) * self.CELLS_PER_DEGREE) + 1):
                count = self.cells.get((lat_cell, lon_cell))
                if count:
                    cell_west = lon_cell * step - 180.0
                    width = min(east, cell_west + step) - max(west, cell_west)
                    if width > 0:
                        total += count * height * width
        return total * self.CELLS_PER_DEGREE**2 * math.pi / 4  # the circle is π/4 of its box

    def radius_holding(self, lat: float, lon: float, sites: float, radius_km: float) -> float:
        """About the radius of the circle around (lat, lon) that holds `sites` sites, at most `radius_km`."""
        low, high = 0.0, radius_km  # by halves (sites are seldom spread evenly): within 1/64 of the radius
        for _ in range(6):
            middle = (low + high) / 2
            if self.sites_within(lat, lon, middle) < sites:
                low = middle
            else:
                high = middle
        return high


def _all_if_few(query: SiteQuery, sql_query: _Sql, wanted: int) -> tuple[int, list] | None:
    """(total, [(exact distance, pk)] of the `wanted` nearest) in one read of the circle when it holds at
    most FEW matches (most searches: the count and the nearest-first query would read it twice), else
    None. The read stops at the first row beyond FEW and sorts nothing in the database."""
    sql, params = sql_query.select(f"s.id, s.latitude, s.longitude, {sql_query.distance}", limit=FEW + 1)
    rows = _fetch(sql, sql_query.distance_params + params)
    if len(rows) > FEW:
        return None
    rows.sort(key=lambda row: (row[3], row[0]))  # planar distance first: the exact one for the first only
    limit = wanted + EXTRA_ROWS
    exact = sorted((distance_km(query.lat, query.lon, lat, lon), pk) for pk, lat, lon, _d2 in rows[:limit])
    if len(rows) > limit:
        # Every row not measured exactly is at least this far (planar distance, shrunk by the margin).
        unseen = math.sqrt(rows[limit][3]) * (1 - sql_query.edge)
        if unseen <= exact[wanted - 1][0]:
            exact = sorted((distance_km(query.lat, query.lon, lat, lon), pk) for pk, lat, lon, _d2 in rows)
    return len(rows), exact[:wanted]


def _count(sql_query: _Sql) -> int:
    """The number of matches, read no further than MAX_LISTED + 1 (more than MAX_LISTED: some more)."""
    sql, params = sql_query.select("1", limit=MAX_LISTED + 1)
    return _fetch(f"SELECT COUNT(*) FROM ({sql}) counted", params)[0][0]


# Columns a result shows (list, map, API, aiguillage); other fields load on access, one query each.
PAGE_FIELDS = {
    Site: (
        "id",
        "structure_id",
        "commune_id",
        "name",
        "kind",
        "address",
        "address_complement",
        "postal_code",
        "latitude",
        "longitude",
        "phone",
        "email",
        "opening_hours",
        "reception_modes",
        "accessibility",
        "website",  # shown for remote entries
    ),
    Structure: ("id", "network_id", "name", "is_demo", "website"),
    Network: ("id", "code", "label", "short_label"),
    Commune: ("code", "name"),
}
SERVICE_FIELDS = (
    "id",
    "site_id",
    "name",
    "description",
    "needs",
    "publics",
    "is_free",
    "access_modes",
    "appointment_url",
)


@lru_cache(maxsize=4096)
def _codes(text: str) -> tuple[str, ...] | None:
    """A JSON list of codes, decoded once: such lists repeat across sites and services (the profile showed
    their decoding as a tenth of a search)."""
    value = json.loads(text)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _json(value):
    if not isinstance(value, str):  # psycopg may have decoded it already
        return value
    codes = _codes(value)
    return list(codes) if codes is not None else json.loads(value)  # a list of its own per instance


def _builder(model, names, offset: int = 0, decoded: bool = False):
    """A function (row, alias, fields_cache) -> instance of `model` whose listed fields are the row's
    columns from `offset` on: JSON decoded (unless `decoded`: the row is itself decoded JSON), booleans
    (0/1 on SQLite) as bool, the others as read.

    Its code is written for the model's columns, as `dataclasses` and `namedtuple` write theirs: one
    dictionary display per instance instead of a loop over the fields with a call per conversion (the
    page's services, about 70 instances, were the largest part of a search's Python time, cProfile of
    bench.search). No `__init__`, no signal: the instance is the one a queryset would give with `only`."""
    values = []
    for index, name in enumerate(names, start=offset):
        field = model._meta.get_field(name)  # by attname too (structure_id)
        value = f"row[{index}]"
        if isinstance(field, models.JSONField) and not decoded:
            value = f"None if {value} is None else _json({value})"
        elif isinstance(field, models.BooleanField):
            value = f"None if {value} is None else bool({value})"
        values.append(f"{name!r}: {value}")
    source = (
        "def build(row, alias, fields_cache):\n"
        "    obj = new(model)\n"
        "    state = ModelState()\n"
        "    state.adding, state.db, state.fields_cache = False, alias, fields_cache\n"
        f"    obj.__dict__.update({{'_state': state, {', '.join(values)}}})\n"
        "    return obj\n"
    )
    namespace = {"new": model.__new__, "model": model, "ModelState": ModelState, "_json": _json}
    exec(source, namespace)  # noqa: S102 (code written above from the model's own field names)
    return namespace["build"]


class _Loader:
    """The page's sites with their structure, network and commune in one query, their active services in
    another, as model instances built without the ORM's per-row work (the profile of a search showed
    it costing more than the search itself): only the listed columns are set, any other field loads on
    access (one query, as with `QuerySet.only`). The SQL is written once per database.

    On PostgreSQL the services come in the sites' query, as one JSON array per site (`json_agg`): one
    round trip instead of two (each cost 1.3–1.8 ms seen from the client for 0.6 ms of execution,
    README « Performances »). On SQLite, in process, the two plain queries are cheaper."""

    def __init__(self):
        qn = connection.ops.quote_name
        tables = {model: qn(model._meta.db_table) for model in PAGE_FIELDS}
        columns, self.builders = [], []
        for model, alias in ((Site, "s"), (Structure, "st"), (Network, "n"), (Commune, "c")):
            names = PAGE_FIELDS[model]
            self.builders.append(_builder(model, names, len(columns)))
            columns += [f"{alias}.{qn(model._meta.get_field(n).column)}" for n in names]
        self.sites_sql = (
            f"SELECT {', '.join(columns)} FROM {tables[Site]} s"
            f" JOIN {tables[Structure]} st ON st.id = s.structure_id"
            f" JOIN {tables[Network]} n ON n.id = st.network_id"
            f" LEFT JOIN {tables[Commune]} c ON c.code = s.commune_id"
            " WHERE s.id IN ({})"
        )
        service_columns = ", ".join(f"v.{qn(Service._meta.get_field(n).column)}" for n in SERVICE_FIELDS)
        self.services_sql = (
            f"SELECT {service_columns} FROM {qn(Service._meta.db_table)} v"
            " WHERE v.is_active AND v.site_id IN ({}) ORDER BY v.name, v.id"
        )
        self.service_builder = _builder(Service, SERVICE_FIELDS)
        self.sites_with_services_sql = None
        if connection.vendor == "postgresql":
            services = (
                f"(SELECT json_agg(json_build_array({service_columns}) ORDER BY v.name, v.id)"
                f" FROM {qn(Service._meta.db_table)} v WHERE v.is_active AND v.site_id = s.id)"
            )
            select, rest = self.sites_sql.split(" FROM ", 1)
            self.sites_with_services_sql = f"{select}, {services} FROM {rest}"
            self.services_column = len(columns)
            self.decoded_service_builder = _builder(Service, SERVICE_FIELDS, decoded=True)
        self.service_site = SERVICE_FIELDS.index("site_id")
        self.site_structure = PAGE_FIELDS[Site].index("structure_id")
        self.site_commune = PAGE_FIELDS[Site].index("commune_id")

    def load(self, pks: list[int], with_services: bool = True) -> dict[int, Site]:
        marks = ", ".join(["%s"] * len(pks))
        # Read once: `connection` is a thread-local proxy, and reading it per instance was a sixth of
        # the page's loading (cProfile of bench.search).
        alias = connection.alias
        build_site, build_structure, build_network, build_commune = self.builders
        sites = {}
        structures, networks, communes = {}, {}, {}
        site_structure, site_commune = self.site_structure, self.site_commune
        together = with_services and self.sites_with_services_sql is not None
        sql = self.sites_with_services_sql if together else self.sites_sql
        if together:
            build_decoded_service, services_column = self.decoded_service_builder, self.services_column
        for row in _fetch(sql.format(marks), pks):
            structure_id, commune_id = row[site_structure], row[site_commune]
            structure = structures.get(structure_id)
            if structure is None:
                structure = structures[structure_id] = build_structure(row, alias, {})
                network = networks.get(structure.network_id)
                if network is None:
                    network = networks[structure.network_id] = build_network(row, alias, {})
                structure._state.fields_cache["network"] = network
            commune = None
            if commune_id is not None:
                commune = communes.get(commune_id)
                if commune is None:
                    commune = communes[commune_id] = build_commune(row, alias, {})
            site = build_site(row, alias, {"structure": structure, "commune": commune})
            if together:
                site.active_services = [
                    build_decoded_service(item, alias, {"site": site}) for item in row[services_column] or ()
                ]
            elif with_services:
                site.active_services = []
            sites[site.pk] = site
        if sites and with_services and not together:
            build_service, site_index = self.service_builder, self.service_site
            for row in _fetch(self.services_sql.format(marks), pks):
                site = sites.get(row[site_index])
                if site is not None:
                    site.active_services.append(build_service(row, alias, {"site": site}))
        return sites


_loaders: dict[str, _Loader] = {}


def _load_page(pks: list[int], with_services: bool = True) -> dict[int, Site]:
    if not pks:
        return {}
    loader = _loaders.get(connection.vendor)
    if loader is None:
        loader = _loaders[connection.vendor] = _Loader()
    return loader.load(pks, with_services)


def search_sites(query: SiteQuery, now: datetime | None = None, with_services: bool = True) -> SearchResult:
    """Active sites matching the query, nearest first (by name when no position is given).

    `with_services=False` leaves the sites' services unloaded (no `active_services`): the aiguillage's
    nearest sites show none, and the prefetch was a third of its time (cProfile of bench.aiguillage)."""
    query.radius_km = min(max(float(query.radius_km or DEFAULT_RADIUS_KM), 0.0), MAX_RADIUS_KM)
    per_page = min(max(int(query.per_page or 20), 1), MAX_PER_PAGE)
    page = max(int(query.page or 1), 1)
    start = (page - 1) * per_page
    _ensure_math_functions()
    words = normalize(query.text or "").split()
    inactive = inactive_structures()
    open_schedules = None
    if query.open_now:
        open_schedules = _open_schedules(_Sql(query, words, inactive=inactive), now)
        if not open_schedules:
            return SearchResult(query=query, total=0, page=page, per_page=per_page)
    total, window = _ranked_window(query, words, open_schedules, inactive, start, per_page)
    more = total > MAX_LISTED
    total = min(total, MAX_LISTED)
    sites = _load_page([pk for _distance, pk in window], with_services)
    items = []
    now = now or timezone.now()
    states = {}  # schedules repeat across a page: each one's state is worked out once
    for distance, pk in window:
        site = sites.get(pk)
        if site is None:  # deleted between the two queries
            continue
        distance = None if distance is None else round(distance, 3)
        state = states.get(site.opening_hours)
        if state is None:
            state = states[site.opening_hours] = hours.opening_state(site.opening_hours, now)
        items.append(SiteHit(site, distance, state))
    return SearchResult(query=query, total=total, page=page, per_page=per_page, items=items, more=more)


def remote_sites(
    departement: str | None,
    region: str | None,
    need: str | None = None,
    public: str | None = None,
    network: str | None = None,
    mode: str | None = None,
    now: datetime | None = None,
) -> list[SiteHit]:
    """Active remote entries (phone lines, websites…) serving this département or its whole région,
    with the same filters as `search_sites`; never a distance. There are a few per Région: the
    territory is checked in Python, the same way on SQLite and PostgreSQL, on the few columns it needs
    (one query from the `site_kind` index), then the entries kept are loaded as a search's page is
    (before: the ORM's query building, a sixth of the /annuaire/ page's time even with no entry)."""
    from spro.directory.codes import SiteKind

    if not departement and not region:
        return []
    site, structure = (connection.ops.quote_name(m._meta.db_table) for m in (Site, Structure))
    where = [
        "s.kind = %s",
        "s.is_active",
        f"s.structure_id NOT IN (SELECT id FROM {structure} WHERE NOT is_active)",
    ]
    params: list = [SiteKind.A_DISTANCE]
    if need:
        where.append("s.needs_index LIKE %s ESCAPE '\\'")
        params.append(_like(f"|{need}|"))
    if public:
        where.append("(s.publics_index LIKE %s ESCAPE '\\' OR s.publics_index LIKE %s ESCAPE '\\')")
        params += [_like(f"|{public}|"), _like(f"|{Public.TOUS}|")]
    if network:
        where.append("s.network_code = %s")
        params.append(network)
    if mode:
        where.append("s.modes_index LIKE %s ESCAPE '\\'")
        params.append(_like(f"|{mode}|"))
    sql = (
        f"SELECT s.id, s.served_region, s.served_departements FROM {site} s"
        f" WHERE {' AND '.join(where)} ORDER BY s.name, s.id"
    )
    pks = []
    for pk, served_region, served_departements in _fetch(sql, params):
        if region and served_region == region:
            pks.append(pk)
        elif departement and departement in (_json(served_departements) or []):
            pks.append(pk)
    sites = _load_page(pks)
    now = now or timezone.now()
    return [
        SiteHit(sites[pk], None, hours.opening_state(sites[pk].opening_hours, now))
        for pk in pks
        if pk in sites
    ]
