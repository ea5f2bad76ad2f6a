"""Proximity search over the directory: the one code path of the /annuaire/ page, the API and the
aiguillage (`spro.routing.places`).

How it stays fast at national scale (60,000 sites) without a GIS extension:
1. one query on the Site table only, narrowed by a bounding box on the indexed latitude/longitude and
   by the denormalised `|code|` columns (need, public, network, reception mode) and the normalised
   `search_text`; it reads only (id, latitude, longitude[, opening_hours]) tuples;
2. the exact great-circle distance is computed in Python, points outside the radius are dropped, the
   rest is sorted by distance (then id, for a stable order) and counted;
3. "ouvert maintenant" evaluates each distinct schedule once;
4. only the requested page is loaded as full objects (site, structure, network, commune, active
   services), and only its items get their opening state sentence.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q

from spro.directory import hours
from spro.directory.codes import Public
from spro.directory.models import Service, Site, Structure
from spro.territories.geo import EARTH_RADIUS_KM, bounding_box
from spro.territories.lookup import normalize

DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 200
MAX_PER_PAGE = 100


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
    total: int
    page: int
    per_page: int
    items: list[SiteHit] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_demo(self) -> bool:
        return any(hit.site.structure.is_demo for hit in self.items)


def _candidates(query: SiteQuery, text_words: list[str]):
    rows = Site.objects.filter(is_active=True).exclude(
        structure__in=Structure.objects.filter(is_active=False).values("pk")
    )
    if query.has_position:
        min_lat, max_lat, min_lon, max_lon = bounding_box(query.lat, query.lon, query.radius_km)
        rows = rows.filter(latitude__gte=min_lat, latitude__lte=max_lat)
        if -180 <= min_lon and max_lon <= 180:  # else the box spans or crosses the antimeridian
            rows = rows.filter(longitude__gte=min_lon, longitude__lte=max_lon)
    if query.need:
        rows = rows.filter(needs_index__contains=f"|{query.need}|")
    if query.public:  # a service open to everyone serves every public
        rows = rows.filter(
            Q(publics_index__contains=f"|{query.public}|") | Q(publics_index__contains=f"|{Public.TOUS}|")
        )
    if query.network:
        rows = rows.filter(network_code=query.network)
    if query.mode:
        rows = rows.filter(modes_index__contains=f"|{query.mode}|")
    for word in text_words:
        rows = rows.filter(search_text__contains=word)
    columns = ["pk", "latitude", "longitude", "name"]
    if query.open_now:
        columns.append("opening_hours")
    return rows.order_by().values_list(*columns)


def _ranked(query: SiteQuery, rows) -> list[tuple]:
    """(distance or None, name, pk, opening_hours?) of the rows within the radius, nearest first."""
    if not query.has_position:
        return sorted(((None, r[3].lower(), r[0], *r[4:]) for r in rows), key=lambda h: (h[1], h[2]))
    radius = query.radius_km
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    lat0, lon0 = radians(query.lat), radians(query.lon)
    cos_lat0 = cos(lat0)
    diameter = 2 * EARTH_RADIUS_KM
    hits = []
    append = hits.append
    for row in rows:
        lat, lon = radians(row[1]), radians(row[2])
        a = sin((lat - lat0) / 2) ** 2 + cos_lat0 * cos(lat) * sin((lon - lon0) / 2) ** 2
        distance = diameter * asin(min(1.0, sqrt(a)))
        if distance <= radius:
            append((distance, row[0], row[0], *row[4:]))
    hits.sort(key=lambda h: (h[0], h[2]))
    return hits


def _load_page(pks: list[int]) -> dict[int, Site]:
    services = Service.objects.filter(is_active=True).order_by("name", "pk")
    sites = (
        Site.objects.filter(pk__in=pks)
        .select_related("structure__network", "commune")
        .prefetch_related(Prefetch("services", queryset=services, to_attr="active_services"))
    )
    return {site.pk: site for site in sites}


def search_sites(query: SiteQuery, now: datetime | None = None) -> SearchResult:
    """Active sites matching the query, nearest first (by name when no position is given)."""
    query.radius_km = min(max(float(query.radius_km or DEFAULT_RADIUS_KM), 0.0), MAX_RADIUS_KM)
    per_page = min(max(int(query.per_page or 20), 1), MAX_PER_PAGE)
    page = max(int(query.page or 1), 1)
    text_words = normalize(query.text or "").split()
    hits = _ranked(query, _candidates(query, text_words))
    if query.open_now:
        states: dict[str, str] = {}
        kept = []
        for hit in hits:
            schedule = hit[3]
            if schedule not in states:
                states[schedule] = hours.state_code(schedule, now) if schedule else hours.UNKNOWN
            if states[schedule] == hours.OPEN:
                kept.append(hit)
        hits = kept
    total = len(hits)
    start = (page - 1) * per_page
    window = hits[start : start + per_page] if start < total else []
    sites = _load_page([hit[2] for hit in window])
    items = []
    for hit in window:
        site = sites.get(hit[2])
        if site is None:  # deleted between the two queries
            continue
        distance = None if hit[0] is None else round(hit[0], 3)
        items.append(SiteHit(site, distance, hours.opening_state(site.opening_hours, now)))
    return SearchResult(query=query, total=total, page=page, per_page=per_page, items=items)
