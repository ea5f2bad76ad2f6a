"""Search of the agenda: the filters of `/agenda/`, its feed and `GET /api/v1/evenements` (their names
are a contract): `commune` (INSEE code), `rayon` (km around it, default 20), `type`, `public`, `besoin`,
`domaine` (ROME letter or domaine professionnel), `du`, `au` (dates, Europe/Paris). Unknown or malformed
values are reported in French, never raised."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from spro.events import rules
from spro.events.models import PARIS, Audience, Event
from spro.territories.geo import distance_km
from spro.territories.models import Commune

DEFAULT_RADIUS_KM = 20
MAX_RADIUS_KM = 200


@dataclass
class Result:
    events: list
    errors: dict = field(default_factory=dict)


def _date(text: str) -> date:
    return date.fromisoformat(text)


def search(params, now=None, professionals: bool = False, limit: int | None = None) -> Result:
    """Upcoming visible events matching `params` (a mapping of the filter names), in start order.
    Professionals-only events are listed only when `professionals` is true."""
    errors = {}
    queryset = Event.objects.visible().upcoming(now).select_related("commune", "structure")
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
    for name, lookup, shift in (("du", "end__gte", 0), ("au", "start__lt", 1)):
        text = params.get(name) or ""
        if text:
            try:
                day = _date(text) + timedelta(days=shift)
            except ValueError:
                errors[name] = "Date invalide : écrivez AAAA-MM-JJ."
            else:
                queryset = queryset.filter(**{lookup: datetime.combine(day, time(0), tzinfo=PARIS)})
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
    if centre is None:
        events = list(queryset[:limit] if limit else queryset)
        return Result(events)
    # Bounding box in the database (index event_box), in start order; the exact distance on the
    # coordinates only, stopping at `limit`; then the events themselves.
    boxed = queryset.in_box(centre.latitude, centre.longitude, radius).values_list(
        "pk", "latitude", "longitude"
    )
    keep = []
    for pk, latitude, longitude in boxed.iterator(chunk_size=500):
        if distance_km(centre.latitude, centre.longitude, latitude, longitude) <= radius:
            keep.append(pk)
            if limit and len(keep) == limit:
                break
    found = {event.pk: event for event in queryset.filter(pk__in=keep)}
    return Result([found[pk] for pk in keep])
