"""Fictitious zones d'emploi and bassins de vie for a demonstration (`spro load-demo`), when INSEE's
delimitation has not been imported (`spro import-employment-zones`): so that the filters and tables by
zone and by bassin have content. Idempotent; nothing is done for a Région whose communes already have
a zone (or a bassin), and a later import of INSEE's file replaces them commune by commune.

- A bassin de vie per EPCI, named after its most populated commune (code: that commune's INSEE code,
  as INSEE names bassins); a commune without EPCI is its own bassin.
- Zones d'emploi around the three most populated communes of each département (each commune joins the
  nearest), coded by the Région's code and a number, labelled "(démonstration)".
"""

import math

from django.db import transaction

from spro.territories.models import Commune, EmploymentZone, LivingArea

POLES_PER_DEPARTEMENT = 3
DEMO_LABEL = " (démonstration)"


def ensure_demo_zones(region_code: str) -> tuple[int, int]:
    """(zones d'emploi, bassins de vie) created for the communes of `region_code` (0 when it has some)."""
    communes = list(
        Commune.objects.filter(region_id=region_code).only(
            "code", "name", "departement_id", "epci_id", "population", "latitude", "longitude",
            "employment_zone_id", "living_area_id",
        )
    )  # fmt: skip
    if not communes:
        return 0, 0
    with transaction.atomic():
        zones = 0 if any(c.employment_zone_id for c in communes) else _zones(region_code, communes)
        areas = 0 if any(c.living_area_id for c in communes) else _areas(communes)
        Commune.objects.bulk_update(communes, ["employment_zone", "living_area"], batch_size=2000)
    return zones, areas


def _by_population(communes):
    return sorted(communes, key=lambda c: (-c.population, c.code))


def _areas(communes) -> int:
    by_epci: dict[str, list] = {}
    for commune in communes:
        by_epci.setdefault(commune.epci_id or f"commune:{commune.code}", []).append(commune)
    for members in by_epci.values():
        main = _by_population(members)[0]
        area, _ = LivingArea.objects.update_or_create(code=main.code, defaults={"name": main.name})
        for commune in members:
            commune.living_area = area
    return len(by_epci)


def _zones(region_code: str, communes) -> int:
    by_departement: dict[str, list] = {}
    for commune in communes:
        by_departement.setdefault(commune.departement_id, []).append(commune)
    number = 0
    for departement in sorted(by_departement):
        members = by_departement[departement]
        placed = [c for c in members if c.latitude is not None and c.longitude is not None]
        poles = []
        for pole in _by_population(placed)[:POLES_PER_DEPARTEMENT]:
            number += 1
            zone, _ = EmploymentZone.objects.update_or_create(
                code=f"{region_code[:2]}{number:02d}", defaults={"name": pole.name + DEMO_LABEL}
            )
            poles.append((pole, zone))
        if not poles:
            continue
        for commune in members:
            if commune.latitude is None or commune.longitude is None:
                commune.employment_zone = poles[0][1]
                continue
            scale = math.cos(math.radians(commune.latitude))

            def far(item, commune=commune, scale=scale):
                pole = item[0]
                return (pole.latitude - commune.latitude) ** 2 + (
                    (pole.longitude - commune.longitude) * scale
                ) ** 2

            commune.employment_zone = min(poles, key=far)[1]
    return number
