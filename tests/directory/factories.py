"""Directory records for tests: structures of the catalogue's networks, sites placed at a distance and
bearing from a commune's centre, services."""

import math

from spro.directory.models import Network, Service, Site, Structure
from spro.territories.geo import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT
from spro.territories.models import Commune

TOULOUSE = "31555"
ALBI = "81004"


def network(code: str) -> Network:
    """A network of the catalogue (loaded by migration), or a new one for an unknown code."""
    return Network.objects.get_or_create(code=code, defaults={"label": code.replace("-", " ").title()})[0]


def structure(network_code: str = "cio", name: str | None = None, **fields) -> Structure:
    net = network(network_code)
    fields.setdefault("membership_kind", net.membership_kind)
    name = name or f"{net.short_label or net.label} test"
    return Structure.objects.create(name=name, network=net, **fields)


def point_from(commune_code: str, north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    commune = Commune.objects.get(code=commune_code)
    lat = commune.latitude + north_km / KM_PER_DEGREE_LAT
    lon = commune.longitude + east_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(commune.latitude)))
    return lat, lon


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) along the great circle leaving at `bearing_deg`."""
    d, b = km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    y = math.sin(b) * math.sin(d) * math.cos(p1)
    l2 = l1 + math.atan2(y, math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def site(
    name: str = "Lieu d'accueil",
    network_code: str = "cio",
    commune_code: str = TOULOUSE,
    north_km: float = 0.0,
    east_km: float = 0.0,
    needs=("orientation-scolaire",),
    publics=("tous-publics",),
    services=None,
    opening_hours: str = "",
    reception_modes=("sur-place",),
    structure_obj: Structure | None = None,
    description: str = "",
    position: tuple[float, float] | None = None,
    **fields,
) -> Site:
    """An active site `north_km`/`east_km` from the commune's centre, with one service (or `services`:
    a list of dicts of Service fields), indexed for search."""
    commune = Commune.objects.get(code=commune_code)
    lat, lon = position or point_from(commune_code, north_km, east_km)
    owner = structure_obj or structure(network_code, name=f"{name} (structure)")
    new = Site.objects.create(
        structure=owner,
        name=name,
        address="1 rue de la République",
        postal_code=(commune.postal_code_list or ["00000"])[0],
        commune=commune,
        latitude=lat,
        longitude=lon,
        phone="05 61 00 00 00",
        email="accueil@example.org",
        opening_hours=opening_hours,
        reception_modes=list(reception_modes),
        description=description,
        **fields,
    )
    services = services or [{"name": "Accueil", "needs": list(needs), "publics": list(publics)}]
    for service in services:
        Service.objects.create(site=new, **service)
    new.reindex()
    return new
