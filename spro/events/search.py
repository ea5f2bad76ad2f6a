"""Search of the agenda: the filters of `/agenda/`, its feed and `GET /api/v1/evenements` (their names
are a contract): `commune` (INSEE code), `rayon` (km around it, default 20), `type`, `public`, `besoin`,
`domaine` (ROME letter or domaine professionnel), `du`, `au` (dates, Europe/Paris). Unknown or malformed
values are reported in French, never raised."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from spro.events import rules
from spro.events.models import PARIS, Audience, Event
from spro.territories.geo import distance_km
from spro.territories.models import Commune

DEFAULT_RADIUS_KM = 20
MAX_RADIUS_KM = 200
# Up to this radius the bounding box holds few events and its index finds them at once; beyond, walking
# the start index (in order, stopping at the page) is faster than sorting the thousands of events of the
# box (bench/agenda.py: a 50 km radius around Toulouse holds about a seventh of the Région's events).
BOX_INDEX_MAX_KM = 10


@dataclass
class Result:
    events: list
    errors: dict = field(default_factory=dict)
    total: int | None = None  # how many match, when asked (`with_total`)


def _date(text: str) -> date:
    return date.fromisoformat(text)


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
    queryset = Event.objects.visible()
    if not professionals:
        queryset = queryset.filter(audience=Audience.PUBLIC)
    kind = params.get("type") or ""
    if kind:
        if kind in rules.KINDS:
            queryset = queryset.filter(kind=kind)
        else:
            errors["type"] = "Type d'événement inconnu."
    for name, allowed, column in (
        ("public", rules.PUBLICS, "publics_index"),
        ("besoin", rules.THEMES, "themes_index"),
    ):
        code = params.get(name) or ""
        if code:
            if code in allowed:
                queryset = queryset.filter(**{f"{column}__contains": f"|{code}|"})
            else:
                errors[name] = "Valeur inconnue."
    domain = params.get("domaine") or ""
    if domain:
        if rules.ROME_DOMAIN.fullmatch(domain):
            queryset = queryset.filter(domains_index__contains=f"|{domain}|")
        else:
            errors["domaine"] = "Code ROME invalide : une lettre de A à N, ou une lettre et deux chiffres."
    not_over_at = now
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
                queryset = queryset.filter(start__lt=moment)
    centre = None
    code = params.get("commune") or ""
    if code:
        commune = Commune.objects.filter(code=code).first() if len(code) <= 5 else None
        if commune is None or commune.latitude is None:
            errors["commune"] = "Commune inconnue."
        else:
            centre = commune
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
    queryset = queryset.not_over_at(not_over_at)
    full = Event.objects.select_related("commune", "structure")
    end = None if limit is None else offset + limit
    if centre is None:
        # The page's ids from the index event_start_filters (no table read), then those events.
        shown = list(queryset.values_list("pk", flat=True)[offset:end]) if end != offset else []
        found = full.in_bulk(shown)
        return Result([found[pk] for pk in shown], total=queryset.count() if with_total else None)
    # Bounding box in the database, in start order; the exact distance on the coordinates only (read from
    # the index event_start_filters), stopping once the page is full unless the total is asked; then the
    # events of the page themselves.
    by_place = radius <= BOX_INDEX_MAX_KM
    boxed = queryset.in_box(centre.latitude, centre.longitude, radius, by_place=by_place).values_list(
        "pk", "latitude", "longitude"
    )
    keep = []
    # Chunks of a page: the database stops walking as soon as a chunk is read.
    for pk, latitude, longitude in boxed.iterator(chunk_size=500 if with_total or not end else max(end, 20)):
        if distance_km(centre.latitude, centre.longitude, latitude, longitude) <= radius:
            keep.append(pk)
            if end and not with_total and len(keep) == end:
                break
    shown = keep[offset:end]
    found = full.in_bulk(shown)
    return Result([found[pk] for pk in shown], total=len(keep) if with_total else None)
