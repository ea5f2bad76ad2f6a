"""Public agenda: /agenda/ (search, list and map), an event's page with its registration form and
JSON-LD, and the iCalendar files (the feed of a search, of a structure, and one event's file).

The filters' names are a contract (spro.events.search). A person's registration is the only write: a
public form (honeypot, rate limit) processed once per token; nothing else about visitors is stored.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from spro.core.guards import public_form, submitted_once
from spro.directory import permissions
from spro.directory.models import Site, Structure
from spro.events import feeds, ics, rules, workflow
from spro.events.models import PARIS, Audience, Event, Registration, State
from spro.events.search import search
from spro.www.agenda.forms import RADII_KM, RegistrationForm, SearchForm

PER_PAGE = 20
MAX_LISTED = 1000  # a search lists at most this many upcoming events (refine the filters beyond)
FEED_LIMIT = 500
REGISTRATION_SCOPE = "inscription-evenement"


def labels(codes, vocabulary: dict) -> list[str]:
    return [vocabulary[code] for code in codes if code in vocabulary]


def place_of(event: Event) -> str:
    parts = [event.address, event.commune.name if event.commune_id else ""]
    return ", ".join(part for part in parts if part)


def _map_places(events) -> list[dict]:
    return [
        {
            "id": event.pk,
            "nom": event.title,
            "adresse": f"{event.start_local:%d/%m/%Y %H:%M} — {place_of(event)}",
            "lat": event.latitude,
            "lon": event.longitude,
            "url": f"/agenda/{event.pk}/",
        }
        for event in events
        if event.latitude is not None and event.longitude is not None
    ]


def run_search(request, professionals=False, limit=MAX_LISTED):
    """(form, params, events or None): events is None when the filters are wrong."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return form, {}, None
    params = form.search_params()
    result = search(params, professionals=professionals, limit=limit)
    for name, message in result.errors.items():
        form.add_error(name if name in form.fields else None, message)
    return form, params, None if result.errors else result.events


class SearchPages:
    """What the paginator pages through: the count of a search, then only the events of the page asked
    (at most MAX_LISTED in all)."""

    def __init__(self, params, professionals: bool, total: int):
        self.params, self.professionals = params, professionals
        self.total = min(total, MAX_LISTED)

    def count(self) -> int:
        return self.total

    def __len__(self):
        return self.count()

    def __getitem__(self, window: slice):
        start, stop = window.start or 0, min(window.stop, self.count())
        return search(
            self.params, professionals=self.professionals, limit=max(stop - start, 0), offset=start
        ).events


def agenda_page(request, *, professionals: bool, template: str, extra: dict | None = None):
    form = SearchForm(request.GET)
    params, failed = {}, not form.is_valid()
    if not failed:
        params = form.search_params()
        result = search(params, professionals=professionals, limit=0, with_total=True)
        for name, message in result.errors.items():
            form.add_error(name if name in form.fields else None, message)
        failed = bool(result.errors)
    pages = SearchPages(params, professionals, 0 if failed else result.total)
    page = Paginator([] if failed else pages, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode(params)
    context = {
        "form": form,
        "params": params,
        "page": page,
        "events": page.object_list,
        "total": pages.count(),
        "failed": failed,
        "query": query,
        "radii": RADII_KM,
        "kinds": rules.KINDS,
        "map_places": _map_places(page.object_list),
        "tile_url": settings.SPRO_TILE_URL,
        "tile_attribution": settings.SPRO_TILE_ATTRIBUTION,
        **(extra or {}),
    }
    return render(request, template, context, status=400 if failed else 200)


@require_GET
def index(request):
    return agenda_page(request, professionals=False, template="agenda/index.html")


@require_GET
def feed(request):
    """/agenda/flux.ics: the upcoming public events of a search (same filters), cancelled ones included."""
    form, params, events = run_search(request, limit=FEED_LIMIT)
    if events is None:
        errors = " ".join(str(message) for messages in form.errors.values() for message in messages)
        return HttpResponse(
            f"Filtres invalides : {errors}", status=400, content_type="text/plain; charset=utf-8"
        )
    return ics_response(events[:FEED_LIMIT], "Agenda du SPRO", "agenda.ics", inline=True)


def _unlogged(response: HttpResponse) -> HttpResponse:
    """Django logs the path of every 4xx response ("Not Found: /agenda/professionnels/<token>/…", logger
    django.request); the path of a feed holds its token, so these answers are marked as logged already
    (the request log, spro.requests, writes the URL pattern only)."""
    response._has_been_logged = True
    return response


@require_GET
def pro_feed(request, token: str):
    """/agenda/professionnels/<token>/flux.ics: a member's private feed of the professional calendar
    (public and professionals-only events, the same filters), for calendar clients without a session."""
    if feeds.owner(token) is None:
        return _unlogged(
            HttpResponse(
                "Lien d'abonnement inconnu ou révoqué : "
                "créez-en un nouveau depuis votre calendrier professionnel.",
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        )
    form, params, events = run_search(request, professionals=True, limit=FEED_LIMIT)
    if events is None:
        errors = " ".join(str(message) for messages in form.errors.values() for message in messages)
        return _unlogged(
            HttpResponse(
                f"Filtres invalides : {errors}", status=400, content_type="text/plain; charset=utf-8"
            )
        )
    response = ics_response(events, "Calendrier professionnel du SPRO", "calendrier-pro.ics", inline=True)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def structure_feed(request, pk: int):
    structure = get_object_or_404(Structure, pk=pk, is_active=True)
    events = (
        Event.objects.visible()
        .upcoming()
        .filter(structure=structure, audience=Audience.PUBLIC)
        .select_related("commune")[:FEED_LIMIT]
    )
    return ics_response(events, f"Agenda — {structure.name}", f"agenda-{structure.pk}.ics", inline=True)


def ics_response(events, name: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(
        ics.calendar(events, name, base_url=settings.SPRO_BASE_URL),
        content_type="text/calendar; charset=utf-8",
    )
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def may_manage(user, event: Event) -> bool:
    return permissions.can_view_structure(user, event.structure)


def visible_event(request, pk: int) -> Event:
    """The event if this visitor may see it: published or cancelled events; professionals-only ones to
    logged-in people; pending or refused ones to their structure's members and the Région only."""
    event = get_object_or_404(
        Event.objects.select_related("structure", "site__commune", "commune__departement"), pk=pk
    )
    if event.state in (State.PENDING, State.REFUSED):
        if not may_manage(request.user, event):
            raise Http404("Événement inconnu")
    elif event.audience == Audience.PROFESSIONALS and not request.user.is_authenticated:
        raise Http404("Événement inconnu")
    return event


def organiser_site(event: Event):
    if event.site_id and event.site.is_active:
        return event.site
    return Site.objects.filter(structure_id=event.structure_id, is_active=True).order_by("pk").first()


def json_ld(event: Event, site) -> str:
    """schema.org Event for search engines, escaped for a <script> element."""
    url = f"{settings.SPRO_BASE_URL}/agenda/{event.pk}/"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": event.start_local.isoformat(),
        "endDate": event.end_local.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "url": url,
        "isAccessibleForFree": True,
        "organizer": {"@type": "Organization", "name": event.structure.name},
    }
    if event.description:
        data["description"] = event.description
    locations = []
    if event.commune_id:
        locations.append(
            {
                "@type": "Place",
                "name": event.site.name if event.site_id else place_of(event),
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": event.address,
                    "addressLocality": event.commune.name,
                    "addressCountry": "FR",
                },
                **(
                    {
                        "geo": {
                            "@type": "GeoCoordinates",
                            "latitude": event.latitude,
                            "longitude": event.longitude,
                        }
                    }
                    if event.latitude is not None
                    else {}
                ),
            }
        )
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    data["eventAttendanceMode"] = (
        "https://schema.org/MixedEventAttendanceMode"
        if len(locations) == 2
        else "https://schema.org/OnlineEventAttendanceMode"
        if event.online_url
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    if site is not None:
        data["organizer"]["url"] = f"{settings.SPRO_BASE_URL}/lieux/{site.pk}/"
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_json_script_escapes))  # noqa: S308


def cancellation_reason(event: Event) -> str:
    change = event.changes.filter(action="annulation").order_by("-at", "-id").first()
    return (change.detail.get("reason") or "") if change else ""


@require_http_methods(["GET", "POST"])
@public_form(REGISTRATION_SCOPE)
@submitted_once
def event_detail(request, pk: int):
    event = visible_event(request, pk)
    takes_registrations = event.registration == Registration.SPRO and event.state == State.PUBLISHED
    form = RegistrationForm(request.POST or None) if takes_registrations else None
    status = 200
    if request.method == "POST":
        if form is None:
            return render(
                request,
                "core/refused.html",
                {"message": "Cet événement ne prend pas d'inscription sur ce site."},
                status=400,
            )
        if form.is_valid():
            try:
                workflow.register(
                    event, form.cleaned_data["name"], form.cleaned_data["email"], form.cleaned_data["consent"]
                )
            except workflow.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("agenda:registered", pk=event.pk)
        status = 422
    site = organiser_site(event)
    context = {
        "event": event,
        "form": form,
        "site": site,
        "place": place_of(event),
        "kind": rules.KINDS.get(event.kind, event.kind),
        "publics": labels(event.publics, rules.PUBLICS),
        "themes": labels(event.themes, rules.THEMES),
        "accessibility": labels(event.accessibility, rules.ACCESSIBILITY),
        "places_left": event.places_left(),
        "json_ld": json_ld(event, site),
        "cancellation_reason": cancellation_reason(event) if event.is_cancelled else "",
        "can_manage": may_manage(request.user, event),
        "same_day": event.start_local.date() == event.end_local.date(),
        "map_places": [
            {
                "id": event.pk,
                "nom": event.title,
                "adresse": place_of(event),
                "lat": event.latitude,
                "lon": event.longitude,
                "url": f"/agenda/{event.pk}/",
            }
        ]
        if event.latitude is not None and event.commune_id
        else [],
        "tile_url": settings.SPRO_TILE_URL,
        "tile_attribution": settings.SPRO_TILE_ATTRIBUTION,
        "paris": PARIS,
    }
    return render(request, "agenda/event.html", context, status=status)


@require_GET
def registered(request, pk: int):
    event = visible_event(request, pk)
    return render(request, "agenda/registered.html", {"event": event})


@require_GET
def event_ics(request, pk: int):
    event = visible_event(request, pk)
    return ics_response([event], event.title, f"evenement-{event.pk}.ics")
