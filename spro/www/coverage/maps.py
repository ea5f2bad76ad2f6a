"""The coverage map: the Région's communes drawn as inline SVG, each filled by its distance to the
nearest site of the scope (a choropleth in three classes, told apart by pattern as well as colour),
from the simplified contours of spro.territories.outlines. No tiles, no JavaScript.

The communes' path data are the costly part and do not depend on the scope nor the distance: they are
computed once per Région and process (`_region_paths`), then each request only sorts them into classes
and joins them, one <path> per class.
"""

import functools
from dataclasses import dataclass, field

from spro.activity.coverage import ITINERANT_KINDS
from spro.territories.models import CommuneOutline
from spro.territories.outlines import Projection, decode, svg_path

WIDTH = 1000


@dataclass
class MapClass:
    key: str  # also the CSS hook and the SVG fill
    label: str
    fill: str
    communes: int = 0
    population: int = 0
    paths: list = field(default_factory=list)

    @property
    def d(self) -> str:
        return "".join(self.paths)


@dataclass
class CoverageMap:
    width: int
    height: int
    classes: list[MapClass]
    communes: int  # communes drawn
    sites: int = 0  # sites marked by a dot (fixed sites)
    itinerant: int = 0  # permanences marked by a square
    site_path: str = ""  # "M x y h0…": a zero-length stroke per site, its round cap a dot
    itinerant_path: str = ""


@functools.lru_cache(maxsize=4)
def _region_paths(region_code: str, outline_count: int) -> tuple[Projection, dict[str, str]]:
    """(projection, {commune code: SVG path data}) of the Région (`outline_count` only invalidates the
    cache after an import)."""
    rows = list(
        CommuneOutline.objects.filter(commune__region_id=region_code).values_list("commune_id", "rings")
    )
    rings = {code: decode(text) for code, text in rows}
    projection = Projection.fit([ring for value in rings.values() for ring in value], width=WIDTH)
    return projection, {code: svg_path(value, projection) for code, value in rings.items()}


def region_paths(region_code: str):
    count = CommuneOutline.objects.filter(commune__region_id=region_code).count()
    return _region_paths(region_code, count)


def coverage_map(region_code: str, distances: dict, populations: dict, distance: float, sites=()):
    """The map of the Région for a threshold: `distances` {commune code: km or None (farther than the
    maximum)}, `populations` {commune code: population}, `sites` (latitude, longitude, kind) to mark.
    A CoverageMap, or None when no contour is stored (a referential imported before contours were)."""
    projection, paths = region_paths(region_code)
    if not paths:
        return None
    half = distance / 2
    classes = [
        MapClass("proche", f"À moins de {_km(half)} km d'un lieu d'accueil", "#000091"),
        MapClass("couverte", f"De {_km(half)} à {_km(distance)} km (points)", "url(#carte-points)"),
        MapClass(
            "blanche", f"Zone blanche : à plus de {_km(distance)} km (hachures)", "url(#carte-hachures)"
        ),
    ]
    by_key = {c.key: c for c in classes}
    drawn = 0
    for code, path in paths.items():
        if not path or code not in distances:
            continue
        km = distances[code]
        key = "blanche" if km is None or km > distance else "proche" if km <= half else "couverte"
        cls = by_key[key]
        cls.paths.append(path)
        cls.communes += 1
        cls.population += populations.get(code, 0)
        drawn += 1
    result = CoverageMap(projection.width, projection.height, classes, drawn)
    fixed, itinerant = [], []
    for lat, lon, kind in sites:
        x, y = projection(lon, lat)
        if 0 <= x <= projection.width and 0 <= y <= projection.height:
            (itinerant if kind in ITINERANT_KINDS else fixed).append(f"M{round(x)} {round(y)}h0")
    result.sites, result.site_path = len(fixed), "".join(fixed)
    result.itinerant, result.itinerant_path = len(itinerant), "".join(itinerant)
    return result


def _km(value: float) -> str:
    return f"{value:g}".replace(".", ",")
