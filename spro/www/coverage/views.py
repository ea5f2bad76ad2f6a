"""The Région's page of the territorial coverage: population within a distance of a site of a network
(or of any SPRO member) by département, and the white zones, with their exports (stored result of
`spro calculer-couverture`)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spro.accounts.decorators import region_staff_required
from spro.activity import coverage
from spro.core.spreadsheets import table_response
from spro.territories.models import Region
from spro.www.coverage.forms import CoverageFilterForm
from spro.www.coverage.maps import coverage_map

WHITE_ZONES_SHOWN = 200
LEVEL_LABELS = {
    "departement": "Département",
    "epci": "EPCI",
    "zone-emploi": "Zone d'emploi",
    "bassin-vie": "Bassin de vie",
    "commune": "Commune",
}
# "Par …", "Population couverte par …"
LEVEL_HEADINGS = {
    "departement": "département",
    "epci": "EPCI",
    "zone-emploi": "zone d'emploi",
    "bassin-vie": "bassin de vie",
    "commune": "commune",
}
AREA_HEADERS = [
    "Code",
    "Département",
    "Population",
    "Population couverte",
    "Part couverte (%)",
    "Communes",
    "Communes hors zone",
]
ZONE_HEADERS = ["Code INSEE", "Commune", "Département", "Population", "Distance au lieu le plus proche (km)"]


def _share(value):
    return None if value is None else round(100 * value, 1)


def _km(value):
    return None if value is None else round(value, 1)


@require_GET
@region_staff_required
def coverage_page(request):
    form = CoverageFilterForm(request.GET)
    valid = form.is_valid()
    network = form.cleaned_data.get("reseau") if valid else None
    distance = form.cleaned_data["distance"] if valid else coverage.DEFAULT_DISTANCE_KM
    level = form.cleaned_data["echelon"] if valid else "departement"
    level_label = LEVEL_LABELS[level]
    run = coverage.latest_run()
    rows, zones = [], []
    if valid and run:
        rows = coverage.area_rows(network, distance, settings.SPRO_REGION, level)
        zones = coverage.white_zones(network, distance, settings.SPRO_REGION)
    scope = network.code if network else "tout-membre"
    # An unknown format raises UnknownFormat (a BadRequest): the French 400 page.
    if valid and "format" in request.GET:
        return table_response(
            f"couverture-{level}-{scope}-{distance:g}km",
            [AREA_HEADERS[0], level_label, *AREA_HEADERS[2:]],
            [
                [
                    r["code"],
                    r["name"],
                    r["population"],
                    r["population_couverte"],
                    _share(r["part_couverte"]),
                    r["communes"],
                    r["communes_hors_zone"],
                ]
                for r in rows
            ],
            request.GET["format"],
            sheet_title="Couverture",
        )
    if valid and "format_zones" in request.GET:
        return table_response(
            f"zones-blanches-{scope}-{distance:g}km",
            ZONE_HEADERS,
            [[z["code"], z["name"], z["departement"], z["population"], _km(z["distance_km"])] for z in zones],
            request.GET["format_zones"],
            sheet_title="Zones blanches",
        )
    region = Region.objects.filter(code=settings.SPRO_REGION).first()
    the_map, reach = None, []
    if valid and run:
        reach = coverage.reach_rows(network, distance, settings.SPRO_REGION, run)
        distances, populations = coverage.commune_distances(network, settings.SPRO_REGION)
        sites = coverage.scope_sites(network, settings.SPRO_REGION)
        the_map = coverage_map(settings.SPRO_REGION, distances, populations, distance, sites)
    context = {
        "form": form,
        "run": run,
        "network": network,
        "distance": distance,
        "rows": rows,
        "level": level,
        "level_label": level_label,
        "level_heading": LEVEL_HEADINGS[level],
        "total": coverage.region_total(rows),
        "zones": zones[:WHITE_ZONES_SHOWN],
        "zone_count": len(zones),
        "zone_population": sum(z["population"] for z in zones),
        "region": region,
        "max_distance": coverage.MAX_DISTANCE_KM,
        "map": the_map,
        "reach": reach,
    }
    return render(request, "coverage/page.html", context, status=200 if valid else 422)
