"""Public directory: /annuaire/ (proximity search, list and map) and /lieux/<id>/ (a site's page)."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from spro.directory import hours
from spro.directory.codes import Accessibility, AccessMode, Need, Public, ReceptionMode, SiteKind
from spro.directory.models import Service, Site
from spro.directory.search import MAX_RADIUS_KM, SiteQuery, remote_sites, search_sites
from spro.labels import bodies
from spro.labels.models import LabelPolicy, SproStatus
from spro.labels.states import SproStatusCode
from spro.www.annuaire.forms import FILTERS, RADII_KM, SPRO_STATUS_CHOICES, SearchForm

PER_PAGE = 20
MAIN_SERVICES = 3


def of_place(name: str) -> str:
    """ "de Toulouse", "d'Albi", "du Mans", "des Sables-d'Olonne": French contraction before a name."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[:1].lower() in "aeiouyhàâéèêëîïôöûüÿ" and not name.lower().startswith(("hau", "hon", "hér")):
        return f"d'{name}"
    return f"de {name}"


def _url(params: dict, **changes) -> str:
    """The search URL with `params` updated by `changes` (None removes a parameter)."""
    merged = {k: v for k, v in params.items() if v not in (None, "", False)}
    for key, value in changes.items():
        if value in (None, "", False):
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode(merged)


def _params(form) -> dict:
    data = form.cleaned_data
    params = {
        "commune": data.get("commune") or "",
        "lat": data.get("lat"),
        "lon": data.get("lon"),
        "rayon": data.get("rayon"),
        "besoin": data.get("besoin"),
        "public": data.get("public"),
        "reseau": data.get("reseau"),
        "mode": data.get("mode"),
        "statut_spro": data.get("statut_spro"),
        "volet": data.get("volet"),
        "ouvert": "1" if data.get("ouvert") else None,
        "q": data.get("q"),
    }
    if params["lat"] is not None:
        params["lat"], params["lon"] = f"{params['lat']:.5f}", f"{params['lon']:.5f}"
    return params


def _suggestions(form, params) -> list[dict]:
    """Ways out of an empty result: a wider radius, then each active filter removed."""
    data = form.cleaned_data
    options = []
    radius = data["rayon"]
    wider = next((r for r in (*RADII_KM, MAX_RADIUS_KM) if r > radius), None)
    if wider:
        options.append({"label": f"Élargir la recherche à {wider} km", "url": _url(params, rayon=wider)})
    if data.get("ouvert"):
        label = "Voir aussi les lieux fermés en ce moment"
        options.append({"label": label, "url": _url(params, ouvert=None)})
    for name, title in FILTERS.items():
        if data.get(name):
            options.append(
                {
                    "label": f"Retirer le filtre « {title} : {form.label_of(name)} »",
                    "url": _url(params, **{name: None}),
                }
            )
    return options


def _summary(form, place_label: str | None) -> str:
    """The folded search, as a person reads it: "Albi, 20 km, 3 filtres"."""
    data = form.cleaned_data
    parts = []
    if place_label:
        parts += [place_label[:1].upper() + place_label[1:], f"{data['rayon']} km"]
    elif data.get("q"):
        parts.append(form.label_of("q"))
    active = [name for name in FILTERS if data.get(name) and (place_label or name != "q")]
    count = len(active) + (1 if data.get("ouvert") else 0)
    if count:
        parts.append(f"{count} filtre{'s' if count > 1 else ''}")
    return ", ".join(parts)


def _pages(result, params) -> list[dict]:
    """Page links for the DSFR pagination: first, last, and the pages around the current one."""
    current, last = result.page, result.num_pages
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    pages, previous = [], 0
    for number in shown:
        if number - previous > 1:
            pages.append({"ellipsis": True})
        pages.append({"number": number, "url": _url(params, page=number), "current": number == current})
        previous = number
    return pages


def _map_places(items) -> list[dict]:
    return [
        {
            "id": hit.site.pk,
            "nom": hit.site.name,
            "adresse": f"{hit.site.address}, {hit.site.postal_code} {hit.site.commune.name}",
            "lat": hit.site.latitude,
            "lon": hit.site.longitude,
            "url": f"/lieux/{hit.site.pk}/",
        }
        for hit in items
    ]


def spro_structures(status: str | None, volet: str | None) -> frozenset[int] | None:
    """The structures of a SPRO status (a volet implies labelled), or None when no filter applies."""
    if not status and not volet:
        return None
    rows = SproStatus.objects.filter(status=status or SproStatusCode.LABELLISE)
    if volet:  # volets are a JSON list: filtered here, the same way on SQLite and PostgreSQL
        return frozenset(pk for pk, volets in rows.values_list("structure_id", "volets") if volet in volets)
    return frozenset(rows.values_list("structure_id", flat=True))


def spro_badge(structure) -> dict | None:
    """What the public reads of a structure's SPRO status: a badge text and the volets of its label."""
    status = SproStatus.objects.filter(structure=structure).first()
    if status is None or not status.status:
        return None
    names = dict(SPRO_STATUS_CHOICES)
    volets = []
    if status.volets:
        policy = LabelPolicy.objects.reading(settings.SPRO_REGION)
        volets = [policy.volets.get(v, v) if policy else v for v in status.volets]
    return {"text": names[status.status], "volets": volets, "status": status}


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "radii": RADII_KM,
        "searched": False,
        "tile_url": settings.SPRO_TILE_URL,
        "tile_attribution": settings.SPRO_TILE_ATTRIBUTION,
    }
    if not request.GET or not form.is_valid():
        context["radius"] = form.cleaned_data.get("rayon") if form.is_bound and form.is_valid() else None
        return render(request, "annuaire/search.html", context)
    data = form.cleaned_data
    params = _params(form)
    context.update(radius=data["rayon"], params=params)
    lat = lon = None
    if form.has_position:
        lat, lon = data["lat"], data["lon"]
        context["place_label"] = "votre position"
        context["of_place"] = "de votre position"
    elif data.get("commune"):
        commune = form.found_commune()
        if commune is None or commune.latitude is None:
            context["unknown_commune"] = data["commune"]
            return render(request, "annuaire/search.html", context)
        lat, lon = commune.latitude, commune.longitude
        context["commune"] = commune
        context["place_label"] = commune.name
        context["of_place"] = of_place(commune.name)
    elif not data.get("q"):
        context["missing_place"] = True
        return render(request, "annuaire/search.html", context)
    query = SiteQuery(
        lat=lat,
        lon=lon,
        radius_km=data["rayon"],
        need=data.get("besoin") or None,
        public=data.get("public") or None,
        network=data.get("reseau") or None,
        mode=data.get("mode") or None,
        open_now=bool(data.get("ouvert")),
        text=data.get("q") or "",
        page=data["page"],
        per_page=PER_PAGE,
        structure_ids=spro_structures(data.get("statut_spro"), data.get("volet")),
    )
    result = search_sites(query)
    commune = context.get("commune")
    remote = []
    if commune is not None:
        remote = remote_sites(
            commune.departement_id,
            commune.region_id,
            need=query.need,
            public=query.public,
            network=query.network,
            mode=query.mode,
        )
        if query.structure_ids is not None:
            remote = [hit for hit in remote if hit.site.structure_id in query.structure_ids]
    for hit in remote:
        hit.modes = [ReceptionMode(m).label for m in hit.site.reception_modes if m in ReceptionMode.values]
    context["remote"] = remote
    if not result.items and result.total:  # a page number past the end: show the last page
        query.page = result.num_pages
        result = search_sites(query)
    for hit in result.items:
        hit.main_services = hit.site.active_services[:MAIN_SERVICES]
        hit.more_services = max(0, len(hit.site.active_services) - MAIN_SERVICES)
        hit.modes = [ReceptionMode(m).label for m in hit.site.reception_modes if m in ReceptionMode.values]
    context.update(
        searched=True,
        result=result,
        first_rank=(result.page - 1) * result.per_page + 1,
        pages=_pages(result, params) if result.num_pages > 1 else [],
        previous_url=_url(params, page=result.page - 1) if result.page > 1 else None,
        next_url=_url(params, page=result.page + 1) if result.page < result.num_pages else None,
        first_url=_url(params, page=1),
        last_url=_url(params, page=result.num_pages),
        suggestions=[] if result.total else _suggestions(form, params),
        map_places=_map_places(result.items),
        has_position=lat is not None,
        summary=_summary(form, context.get("place_label")),
    )
    return render(request, "annuaire/search.html", context)


def _labels(codes, choices) -> list[str]:
    known = dict(choices)
    return [known[c] for c in codes or [] if c in known]


@require_GET
def site_detail(request, site_id: int):
    site = (
        Site.objects.filter(pk=site_id, is_active=True, structure__is_active=True)
        .select_related("structure__network", "structure__parent", "commune__departement")
        .prefetch_related(
            Prefetch("services", Service.objects.filter(is_active=True).order_by("name"), "active_services")
        )
        .first()
    )
    if site is None:
        raise Http404("Lieu introuvable")
    services = [
        {
            "service": service,
            "needs": _labels(service.needs, Need.choices),
            "publics": _labels(service.publics, Public.choices),
            "access": _labels(service.access_modes, AccessMode.choices),
        }
        for service in site.active_services
    ]
    now = timezone.now()
    if site.is_remote:
        return render(request, "annuaire/site.html", _site_context(site, services, now, served=_served(site)))
    context = _site_context(
        site,
        services,
        now,
        itinerary_url=(
            "https://www.openstreetmap.org/directions?"
            + urlencode({"route": f";{site.latitude:.6f},{site.longitude:.6f}"})
        ),
        osm_url=(
            f"https://www.openstreetmap.org/?mlat={site.latitude:.6f}&mlon={site.longitude:.6f}"
            f"#map=17/{site.latitude:.6f}/{site.longitude:.6f}"
        ),
        map_places=[
            {
                "id": site.pk,
                "nom": site.name,
                "adresse": f"{site.address}, {site.postal_code} {site.commune.name}",
                "lat": site.latitude,
                "lon": site.longitude,
                "url": "",
            }
        ],
        tile_url=settings.SPRO_TILE_URL,
        tile_attribution=settings.SPRO_TILE_ATTRIBUTION,
    )
    return render(request, "annuaire/site.html", context)


def _site_context(site, services, now, **extra) -> dict:
    """What every site page shows (a remote entry has no address, itinerary nor map)."""
    return {
        "site": site,
        "structure": site.structure,
        "network": site.structure.network,
        "kind": dict(SiteKind.choices).get(site.kind, ""),
        "state": hours.opening_state(site.opening_hours, now),
        "week": hours.week_schedule(site.opening_hours, now),
        "hours_text": hours.describe_hours(site.opening_hours),
        "modes": _labels(site.reception_modes, ReceptionMode.choices),
        "accessibility": _labels(site.accessibility, Accessibility.choices),
        "services": services,
        "spro_badge": spro_badge(site.structure),
        "network_tier": bodies.site_tier(site),
        **extra,
    }


def _served(site) -> str:
    """The territory a remote entry serves, in French: "toute la région Centre-Val de Loire"."""
    return site.served_territory()
