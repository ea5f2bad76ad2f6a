"""The nearest sites of the recommended networks that offer the person's need (`lieux` of an answer).

Uses the directory search (`spro.directory.search.search_sites`), the code path of the API and the
annuaire. Results are cached per (commune, network, need) for the life of one
`PlaceFinder` (one CLI call, one request), so a batch of 10,000 situations hits the database once per
distinct combination, never once per situation.
"""

from spro.directory.search import SiteQuery, remote_sites, search_sites
from spro.routing.situation import UnknownCommune

RADII_KM = (30, 100)  # widen once when nothing is near
PER_NETWORK = 3


def _nearby(lat, lon, network, needs, radius_km, limit):
    """(site, distance, opening state) of the nearest active sites of `network` offering one of `needs`."""
    hits = {}
    for need in needs or [None]:
        query = SiteQuery(lat=lat, lon=lon, radius_km=radius_km, need=need, network=network, per_page=limit)
        for hit in search_sites(query, with_services=False).items:
            known = hits.get(hit.site.pk)
            if known is None or hit.distance_km < known[1]:
                hits[hit.site.pk] = (hit.site, hit.distance_km, hit.state)
    return sorted(hits.values(), key=lambda h: (h[1], h[0].pk))[:limit]


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
        "etat": state.code,
        "horaires": site.opening_hours,
        "telephone": site.phone,
        "courriel": site.email,
        "url": f"/lieux/{site.pk}/",  # public page of the site (annuaire)
    }


def remote_dict(site, state) -> dict:
    """A remote entry (phone line, website) as a `lieux` item: no address, no position, no distance."""
    return {
        "id": site.pk,
        "nom": site.name,
        "structure": site.structure.name,
        "reseau": site.structure.network.code,
        "adresse": "",
        "code_postal": "",
        "commune": "",
        "latitude": None,
        "longitude": None,
        "distance_km": None,
        "a_distance": True,
        "site_web": site.website,
        "etat": state.code,
        "horaires": site.opening_hours,
        "telephone": site.phone,
        "courriel": site.email,
        "url": f"/lieux/{site.pk}/",
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

    def find(
        self, commune: str, networks: list[str], besoin: str | None, need_map: dict, remote: bool = False
    ) -> list[dict]:
        """The nearest sites of the networks; then, when the person asked for a remote mode or no site
        of a recommended network is near, the remote entries serving the commune's territory (for the
        need, when one is given)."""
        lat, lon, _name = self.commune_position(commune)
        needs = tuple(need_map.get(besoin or "", ()))
        places = self._near(commune, lat, lon, networks, needs)
        if remote or (networks and not places):
            places = places + self._remote(commune, needs)
        return places

    def _remote(self, commune: str, needs: tuple) -> list[dict]:
        key = ("a-distance", commune, needs)
        if key not in self._sites:
            from spro.territories.models import Commune

            where = Commune.objects.filter(code=commune).values_list("departement_id", "region_id").first()
            found = {}
            for need in needs or [None]:
                for hit in remote_sites(*where, need=need) if where else []:
                    found.setdefault(hit.site.pk, remote_dict(hit.site, hit.state))
            self._sites[key] = list(found.values())
        return self._sites[key]

    def remote_first_doors(self, commune: str | None, region: str, networks: tuple) -> list[dict]:
        """Remote entries of `networks` serving the commune (or, without one, the whole `region`), for
        any need: a first door answers every question first (`Engine.remote_first_door`). Only the
        Région's own: a commune of another Région gets none."""
        key = ("premiere-porte", commune, region, networks)
        if key not in self._sites:
            if commune:
                from spro.territories.models import Commune

                where = (
                    Commune.objects.filter(code=commune).values_list("departement_id", "region_id").first()
                )
                if where and where[1] != region:
                    where = None
            else:
                where = (None, region)
            found = []
            for network in networks:
                for hit in remote_sites(*where, network=network) if where else []:
                    found.append(remote_dict(hit.site, hit.state))
            self._sites[key] = found
        return self._sites[key]

    def _near(self, commune, lat, lon, networks, needs) -> list[dict]:
        if lat is None or lon is None or not networks:
            return []
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
