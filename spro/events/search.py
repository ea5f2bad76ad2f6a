"""Search of the agenda: the filters of `/agenda/`, its feed and `GET /api/v1/evenements` (their names
are a contract): `commune` (INSEE code), `rayon` (km around it, default 20), `type`, `public`, `besoin`,
`domaine` (ROME letter or domaine professionnel), `du`, `au` (dates, Europe/Paris). Unknown or malformed
values are reported in French, never raised.

How it stays fast at 50,000 events (bench/agenda.py), on SQLite as on PostgreSQL:
1. the events matching the filters are found as ids, in start order, by plain SQL written here (building
   the ORM's queries cost more than running them), from covering indexes: no table read;
2. without a commune, the start index (`event_start_filters`) is walked from the longest event still
   running and the walk stops at the page; the rarest conditions are written first, for the database
   checks them in order on each event it passes;
3. around a commune, the exact distance is computed here on the coordinates of the bounding box's events.
   A small box (`NEAR_KM`) holds few events: the band index (`event_band`: one range of longitudes per
   band of 0.1° of latitude) gives them all, sorted by start. A wide box may hold thousands: the start
   index is walked over the next `WALK` upcoming events, which fills the page of most searches; rare
   filters that leave it short take the later events of the box from the band index;
4. only the events of the page are then read whole, with the names of their commune and organiser.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from spro.directory.models import latitude_band, latitude_band_sql
from spro.events import rules
from spro.events.models import PARIS, Audience, Event, State
from spro.territories.geo import bounding_box, distance_km
from spro.territories.models import Commune

DEFAULT_RADIUS_KM = 20
MAX_RADIUS_KM = 200
# Up to this radius the bounding box holds few events: the index event_band finds them all at once and
# sorting them costs little. Beyond, the box may hold thousands (bench/agenda.py: a 50 km radius around
# Toulouse holds about a seventh of the Région's events) and the search first walks the start index, in
# order, over the next WALK upcoming events.
NEAR_KM = 20
WALK = 2000


@dataclass
class Result:
    events: list
    errors: dict = field(default_factory=dict)
    total: int | None = None  # how many match, when asked (`with_total`)


def _date(text: str) -> date:
    return date.fromisoformat(text)


class _Sql:
    """The WHERE clause of a search on the events table, as SQL and its parameters (in order)."""

    def __init__(self):
        self.where: list[str] = []
        self.params: list = []

    def add(self, clause: str, *params) -> "_Sql":
        self.where.append(clause)
        self.params.extend(params)
        return self

    def then(self, other: "_Sql") -> "_Sql":
        joined = _Sql()
        joined.where, joined.params = self.where + other.where, self.params + other.params
        return joined

    def rows(self, columns: str, tail: str = "", *params) -> list[tuple]:
        sql = f"SELECT {columns} FROM {TABLE} WHERE {' AND '.join(self.where) or '1 = 1'} {tail}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, *params])
            return cursor.fetchall()


TABLE = connection.ops.quote_name(Event._meta.db_table)
IN_ORDER = "ORDER BY start, id"
VISIBLE = (State.PUBLISHED.value, State.CANCELLED.value)


def _moment(value):
    """A datetime as the database compares it with a DateTimeField (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def search(
    params,
    now=None,
    professionals: bool = False,
    limit: int | None = None,
    offset: int = 0,
    with_total: bool = False,
) -> Result:
    """Upcoming visible events matching `params` (a mapping of the filter names), in start order: the
    `limit` events from `offset`, and how many match in all when `with_total`. Professionals-only events
    are listed only when `professionals` is true. Only the events returned are read whole."""
    errors = {}
    now = now or timezone.now()
    # The conditions in the order the database checks them on each event it walks past: the rarest
    # first (a ROME domain, a kind, a public, a need), the ones nearly every event meets last.
    filters = _Sql()
    domain = params.get("domaine") or ""
    if domain:
        if rules.ROME_DOMAIN.fullmatch(domain):
            filters.add("domains_index LIKE %s", f"%|{domain}|%")
        else:
            errors["domaine"] = "Code ROME invalide : une lettre de A à N, ou une lettre et deux chiffres."
    kind = params.get("type") or ""
    if kind:
        if kind in rules.KINDS:
            filters.add("kind = %s", kind)
        else:
            errors["type"] = "Type d'événement inconnu."
    for name, allowed, column in (
        ("public", rules.PUBLICS, "publics_index"),
        ("besoin", rules.THEMES, "themes_index"),
    ):
        code = params.get(name) or ""
        if code:
            if code in allowed:  # codes are slugs: no LIKE wildcard in them
                filters.add(f"{column} LIKE %s", f"%|{code}|%")
            else:
                errors[name] = "Valeur inconnue."
    if not professionals:
        filters.add("audience = %s", Audience.PUBLIC.value)
    filters.add("state IN (%s, %s)", *VISIBLE)
    not_over_at, before = now, None
    for name, shift in (("du", 0), ("au", 1)):
        text = params.get(name) or ""
        if text:
            try:
                moment = datetime.combine(_date(text) + timedelta(days=shift), time(0), tzinfo=PARIS)
            except (ValueError, OverflowError):
                errors[name] = "Date invalide : écrivez AAAA-MM-JJ."
                continue
            if name == "du":
                # Not over at the start of that day: `end >= du`, i.e. `end > du - 1 µs`.
                not_over_at = max(not_over_at, moment - timedelta(microseconds=1))
            else:
                before = moment
    centre = None
    code = params.get("commune") or ""
    if code:
        found = (
            Commune.objects.filter(code=code).values_list("latitude", "longitude")[:1]
            if len(code) <= 5
            else ()
        )
        centre = next(iter(found), None)
        if centre is None or centre[0] is None:
            errors["commune"] = "Commune inconnue."
    radius = DEFAULT_RADIUS_KM
    text = params.get("rayon") or ""
    if text:
        try:
            radius = float(text)
            if not 0 < radius <= MAX_RADIUS_KM:
                raise ValueError
        except ValueError:
            errors["rayon"] = f"Rayon invalide : un nombre de kilomètres entre 1 et {MAX_RADIUS_KM}."
            radius = DEFAULT_RADIUS_KM
    if errors:
        return Result([], errors)
    timed = _not_over_at(not_over_at, before)
    end = None if limit is None else offset + limit
    if centre is None:
        matching = filters.then(timed)
        if end == offset:
            shown = []
        elif end is None:
            shown = [pk for (pk,) in matching.rows("id", f"{IN_ORDER}")][offset:]
        else:
            shown = [pk for (pk,) in matching.rows("id", f"{IN_ORDER} LIMIT %s OFFSET %s", limit, offset)]
        total = matching.rows("COUNT(*)")[0][0] if with_total else None
    else:
        keep = _around(filters, timed, centre, radius, None if with_total else end)
        shown, total = keep[offset:end], len(keep) if with_total else None
    found = _load(shown)
    return Result([found[pk] for pk in shown], total=total)


def _not_over_at(moment, before) -> _Sql:
    """Events not over at `moment` (and starting before `before`). The bound on `start` changes nothing
    to the answer (no event not over started longer ago than the longest one lasts: index
    event_duration) but lets the database walk the start index from there."""
    longest = _Sql().add('"end" > %s', _moment(moment)).rows("duration", "ORDER BY duration DESC LIMIT 1")
    since = moment - timedelta(seconds=(longest[0][0] if longest else 0) + 1)
    timed = _Sql().add('"end" > %s', _moment(moment)).add("start > %s", _moment(since))
    if before is not None:
        timed.add("start < %s", _moment(before))
    return timed


def _around(filters: _Sql, timed: _Sql, centre, radius: float, end: int | None) -> list[int]:
    """Ids of the first `end` matching events (all with None) within `radius` km of `centre`, in start
    order (see the module's docstring, step 3)."""
    if end == 0:
        return []
    lat, lon = centre
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    box = _Sql().add("latitude BETWEEN %s AND %s", min_lat, max_lat)
    box.add("longitude BETWEEN %s AND %s", min_lon, max_lon)
    bands = list(range(latitude_band(min_lat), latitude_band(max_lat) + 1))
    by_band = _Sql().add(
        f"{latitude_band_sql('latitude', connection.vendor)} IN ({', '.join(['%s'] * len(bands))})", *bands
    )
    by_band = by_band.then(box)  # band first: the index event_band is then read range by range
    keep = []

    def inside(rows):
        for pk, latitude, longitude in rows:
            if distance_km(lat, lon, latitude, longitude) <= radius:
                keep.append(pk)
                if end is not None and len(keep) == end:
                    return

    columns = "id, latitude, longitude"
    if end is None or radius <= NEAR_KM:
        inside(by_band.then(filters).then(timed).rows(columns, IN_ORDER))
        return keep
    boundary = timed.rows("start", f"{IN_ORDER} LIMIT 1 OFFSET %s", WALK)
    if not boundary:
        inside(box.then(filters).then(timed).rows(columns, IN_ORDER))
        return keep
    # Box first: two comparisons on numbers turn most events away before any LIKE.
    first = box.then(filters).then(timed).add("start <= %s", boundary[0][0])
    inside(first.rows(columns, IN_ORDER))
    if len(keep) < end:
        inside(by_band.then(filters).then(timed).add("start > %s", boundary[0][0]).rows(columns, IN_ORDER))
    return keep


# Columns a list of events shows (page, map, feed, API) beyond the event itself; any other field of the
# commune or the organiser loads on access (one query, as with `QuerySet.only`).
RELATED_FIELDS = {"structure": ("id", "name", "is_demo"), "commune": ("code", "name")}
SEARCH_COLUMNS = {"publics_index", "themes_index", "domains_index", "duration"}


class _Loader:
    """The events of a page with the names of their commune and organiser, in one query whose SQL is
    written once per database (compiling the ORM's query took longer than running it), built into model
    instances the way the ORM builds them (`Model.from_db`, the database's own converters)."""

    def __init__(self):
        qn = connection.ops.quote_name
        self.parts = []  # (model, attnames, converters, first column, last column)
        columns, joins = [], []
        event_fields = [f for f in Event._meta.concrete_fields if f.name not in SEARCH_COLUMNS]
        parts = [(Event, "e", event_fields)]
        for name, alias in (("structure", "s"), ("commune", "c")):
            relation = Event._meta.get_field(name)
            model = relation.related_model
            fields = [model._meta.get_field(n) for n in RELATED_FIELDS[name]]
            parts.append((model, alias, fields))
            kind = "LEFT JOIN" if relation.null else "JOIN"
            target = qn(relation.target_field.column)
            joins.append(
                f"{kind} {qn(model._meta.db_table)} {alias} ON {alias}.{target} = e.{qn(relation.column)}"
            )
        for model, alias, fields in parts:
            converters = []
            for f in fields:
                column = f.get_col(alias)
                converters.append(
                    (column, connection.ops.get_db_converters(column) + f.get_db_converters(connection))
                )
            self.parts.append((model, [f.attname for f in fields], converters, len(columns)))
            columns += [f"{alias}.{qn(f.column)}" for f in fields]
        self.sql = f"SELECT {', '.join(columns)} FROM {TABLE} e {' '.join(joins)} WHERE e.id IN ({{}})"

    def _instance(self, part, row):
        model, names, converters, first = part
        values = list(row[first : first + len(names)])
        for index, (column, functions) in enumerate(converters):
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        if values[0] is None:  # no such related row (an event without commune)
            return None
        return model.from_db(connection.alias, names, values)

    def load(self, pks: list[int]) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(self.sql.format(", ".join(["%s"] * len(pks))), pks)
            rows = cursor.fetchall()
        events = {}
        structures, communes = {}, {}
        event_part, structure_part, commune_part = self.parts
        for row in rows:
            event = self._instance(event_part, row)
            if event.structure_id not in structures:
                structures[event.structure_id] = self._instance(structure_part, row)
            event._state.fields_cache["structure"] = structures[event.structure_id]
            if event.commune_id is not None and event.commune_id not in communes:
                communes[event.commune_id] = self._instance(commune_part, row)
            event._state.fields_cache["commune"] = communes.get(event.commune_id)
            events[event.pk] = event
        return events


_loaders: dict[str, _Loader] = {}


def _load(pks: list[int]) -> dict:
    if not pks:
        return {}
    loader = _loaders.get(connection.vendor)
    if loader is None:
        loader = _loaders[connection.vendor] = _Loader()
    return loader.load(pks)
