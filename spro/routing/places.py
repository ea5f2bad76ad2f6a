"""The nearest sites of the recommended networks that offer the person's need (`lieux` of an answer).

Uses the directory search (`spro.directory.search.search_sites`) when it is installed, else a
bounding-box query of its own. Results are cached per (commune, network, need) for the life of one
`PlaceFinder` (one CLI call, one request), so a batch of 10,000 situations hits the database once per
distinct combination, never once per situation.
"""

import math

from django.utils import timezone

from spro.routing.situation import UnknownCommune
from spro.territories.geo import distance_km

RADII_KM = (30, 100)  # widen once when nothing is near
PER_NETWORK = 3


def opening_state(opening_hours: str, now=None) -> str:
    """ "ouvert", "ferme" or "inconnu" for an OpenStreetMap opening_hours string, in local time."""
    if not opening_hours:
        return "inconnu"
    try:
        from opening_hours import OpeningHours

        local = timezone.localtime(now).replace(tzinfo=None)
        state = OpeningHours(opening_hours).state(local)[0]
    except Exception:  # an unreadable schedule must not break an answer
        return "inconnu"
    return {"open": "ouvert", "closed": "ferme"}.get(str(state).split(".")[-1].lower(), "inconnu")


def _nearby_fallback(lat, lon, network, needs, radius_km, limit):
    from spro.directory.models import Site

    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * max(math.cos(math.radians(lat)), 0.01))
    sites = Site.objects.filter(
        is_active=True,
        structure__is_active=True,
        network_code=network,
        latitude__range=(lat - dlat, lat + dlat),
        longitude__range=(lon - dlon, lon + dlon),
    ).select_related("structure", "commune")
    hits = []
    for site in sites:
        if needs and not any(f"|{n}|" in site.needs_index for n in needs):
            continue
        d = distance_km(lat, lon, site.latitude, site.longitude)
        if d <= radius_km:
            hits.append((d, site))
    hits.sort(key=lambda h: (h[0], h[1].pk))
    return [(site, d, None) for d, site in hits[:limit]]


def _nearby(lat, lon, network, needs, radius_km, limit):
    try:
        from spro.directory.search import SiteQuery, search_sites
    except ImportError:
        return _nearby_fallback(lat, lon, network, needs, radius_km, limit)
    hits = {}
    for need in needs or [None]:
        query = SiteQuery(lat=lat, lon=lon, radius_km=radius_km, need=need, network=network, per_page=limit)
        for hit in search_sites(query).items:
            known = hits.get(hit.site.pk)
            if known is None or hit.distance_km < known[1]:
                hits[hit.site.pk] = (hit.site, hit.distance_km, getattr(hit, "state", None))
    return sorted(hits.values(), key=lambda h: (h[1], h[0].pk))[:limit]


def _state_code(state, site) -> str:
    if state is None:
        return opening_state(site.opening_hours)
    value = str(getattr(state, "value", getattr(state, "code", state))).lower()
    if value in ("ouvert", "open"):
        return "ouvert"
    if value in ("ferme", "closed", "fermé"):
        return "ferme"
    return "inconnu"


def site_dict(site, distance, state, network) -> dict:
    return {
        "id": site.pk,
        "nom": site.name,
        "structure": site.structure.name,
        "reseau": network,
        "adresse": site.address,
        "code_postal": site.postal_code,
        "commune": site.commune.name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "distance_km": round(distance, 1),
        "etat": _state_code(state, site),
        "horaires": site.opening_hours,
        "telephone": site.phone,
        "courriel": site.email,
        "url": f"/lieux/{site.pk}/",  # public page of the site (annuaire)
    }


class PlaceFinder:
    def __init__(self, per_network: int = PER_NETWORK):
        self.per_network = per_network
        self._communes: dict[str, tuple | None] = {}
        self._sites: dict[tuple, list[dict]] = {}

    def commune_position(self, code: str):
        if code not in self._communes:
            from spro.territories.models import Commune

            self._communes[code] = (
                Commune.objects.filter(code=code).values_list("latitude", "longitude", "name").first()
            )
        found = self._communes[code]
        if found is None:
            raise UnknownCommune("commune", f"commune « {code} » inconnue (code INSEE attendu).")
        return found

    def find(self, commune: str, networks: list[str], besoin: str | None, need_map: dict) -> list[dict]:
        lat, lon, _name = self.commune_position(commune)
        if lat is None or lon is None or not networks:
            return []
        needs = tuple(need_map.get(besoin or "", ()))
        places = []
        for network in networks:
            key = (commune, network, needs)
            if key not in self._sites:
                hits = []
                for radius in RADII_KM:
                    hits = _nearby(lat, lon, network, needs, radius, self.per_network)
                    if hits:
                        break
                self._sites[key] = [site_dict(site, d, state, network) for site, d, state in hits]
            places.extend(self._sites[key])
        return places
