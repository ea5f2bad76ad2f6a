"""A year of plausible, fictitious receptions for the demo structures (idempotent, bulk inserts)."""

import random
from datetime import timedelta

from django.utils import timezone

from spro.activity import codes
from spro.activity.models import Reception
from spro.directory.models import Site
from spro.territories.models import Commune

PER_STRUCTURE = 240  # about one reception a working day
MAX_ROWS = 60_000  # keeps load-demo within seconds, even for a national demo directory
# Weights that make the demo figures look like a first door's year (not real statistics).
MODE_WEIGHTS = {
    "sur-place": 55,
    "telephone": 20,
    "courriel": 8,
    "visio-chat": 7,
    "hors-les-murs": 5,
    "evenement": 5,
}
SEXE_WEIGHTS = {"femme": 52, "homme": 44, codes.NOT_SAID: 4}
AGE_WEIGHTS = {"moins-de-16": 8, "16-17": 12, "18-25": 35, "26-29": 10, "30-44": 18, "45-54": 10,
               "55-plus": 5, codes.NOT_SAID: 2}  # fmt: skip
ANSWER_WEIGHTS = {"information": 50, "conseil": 30, "orientation": 20}


def _pick(rng, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate(seed: int = 12, today=None) -> int:
    """Receptions over the past year for each demo structure that has none; returns how many were added."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    statuts = [c for c in codes.STATUTS_LOG]
    needs = list(codes.NEEDS_LOG)
    done = set(Reception.objects.values_list("structure_id", flat=True).distinct())
    rows = []
    communes_by_departement: dict[str, list[str]] = {}
    # Sites as plain rows, grouped by structure: a prefetch would put every commune code of a national
    # demo directory in one query, deeper than SQLite's expression limit.
    sites_by_structure: dict[int, list[tuple[int, str, str]]] = {}
    for structure_id, site_id, commune_id, departement in (
        Site.objects.filter(structure__is_demo=True, commune__isnull=False)  # remote entries have none
        .exclude(structure_id__in=done)
        .order_by("structure_id", "pk")
        .values_list("structure_id", "pk", "commune_id", "commune__departement_id")
    ):
        sites_by_structure.setdefault(structure_id, []).append((site_id, commune_id, departement))
    for structure_id, sites in sites_by_structure.items():
        if len(rows) >= MAX_ROWS:
            break
        for _ in range(PER_STRUCTURE):
            site_id, site_commune, departement = rng.choice(sites)
            if departement not in communes_by_departement:
                communes_by_departement[departement] = list(
                    Commune.objects.filter(departement_id=departement).values_list("code", flat=True)[:200]
                )
            nearby = communes_by_departement[departement]
            # Most people live near the site; some come from elsewhere or do not say.
            roll = rng.random()
            commune = site_commune if roll < 0.4 else (rng.choice(nearby) if roll < 0.95 else None)
            rows.append(
                Reception(
                    structure_id=structure_id,
                    site_id=site_id,
                    date=today - timedelta(days=rng.randrange(365)),
                    mode=_pick(rng, MODE_WEIGHTS),
                    sexe=_pick(rng, SEXE_WEIGHTS),
                    age_band=_pick(rng, AGE_WEIGHTS),
                    statut=rng.choice(statuts),
                    need=rng.choice(needs),
                    commune_id=commune,
                    answer=_pick(rng, ANSWER_WEIGHTS),
                    minutes=rng.choice([None, 10, 15, 20, 30, 45]),
                )
            )
    Reception.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
