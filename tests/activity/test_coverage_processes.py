"""The national coverage search shared among processes (one per core): the same distances as in one
process, stored the same way; small searches stay in the calling process.

The territory of tests/activity/test_coverage.py (Toulouse, Albi, Castres, Mende) and a synthetic one:
random sites of three scopes (fixed sites open all week, permanences one afternoon) around random
points of mainland France, the first fifty points counting as the Région's (detailed distances).
"""

import random

import pytest

from spro.activity import coverage
from spro.activity.models import CommuneCoverage
from spro.directory.codes import SiteKind
from spro.labels.status import refresh_status
from spro.territories.models import Commune
from tests.activity.test_coverage import ALBI, TERRITORY, TOULOUSE
from tests.directory import factories as directory

WEEK = "Mo-Fr 09:00-12:00,14:00-17:00"


def synthetic_scopes(seed=7):
    rng = random.Random(seed)
    points = [(rng.uniform(43, 50), rng.uniform(-1.5, 7)) for _ in range(600)]
    scopes = []
    for size in (300, 40, 5):
        scopes.append(
            [
                (rng.uniform(43, 50), rng.uniform(-1.5, 7), kind, hours)
                for kind, hours in (
                    (SiteKind.PERMANENCE, "We 14:00-17:00") if rng.random() < 0.3 else ("antenne", WEEK)
                    for _ in range(size)
                )
            ]
        )
    return points, list(range(50)), scopes


def test_processes_find_the_same_distances_as_one_process(monkeypatch):
    points, regional, scopes = synthetic_scopes()
    alone = coverage._scopes_distances(points, regional, scopes, coverage.MAX_DISTANCE_KM, 5, processes=1)
    monkeypatch.setattr(coverage, "PARALLEL_MIN_PAIRS", 0)
    assert coverage.search_processes(len(points) * len(scopes), len(scopes), 2) == 2
    shared = coverage._scopes_distances(points, regional, scopes, coverage.MAX_DISTANCE_KM, 5, processes=2)
    assert shared == alone
    all_km, detail = shared[0]
    assert len(all_km) == len(points) and set(detail) == set(regional)
    # Permanences do not count without them: a detailed distance is never shorter.
    assert all(fixed is None or fixed >= all_km[i] for i, (fixed, _open) in detail.items())
    assert coverage._WORK is None  # nothing left behind for the next computation


def test_a_small_search_stays_in_this_process():
    assert coverage.search_processes(coverage.PARALLEL_MIN_PAIRS - 1, 21, 8) == 1
    assert coverage.search_processes(coverage.PARALLEL_MIN_PAIRS, 21, 8) == 8
    assert coverage.search_processes(coverage.PARALLEL_MIN_PAIRS, 3, 8) == 3  # at most one per scope


@pytest.mark.django_db
def test_the_stored_coverage_is_the_same_computed_by_several_processes(monkeypatch, settings):
    cio = directory.site("CIO de Toulouse", network_code="cio", commune_code=TOULOUSE, north_km=3, east_km=4)
    pij = directory.site("PIJ d'Albi", network_code="information-jeunesse", commune_code=ALBI, north_km=6)
    refresh_status(cio.structure)
    refresh_status(pij.structure)
    territory = Commune.objects.filter(code__in=TERRITORY)

    def snapshot():
        return sorted(
            CommuneCoverage.objects.values_list(
                "network_id", "commune_id", "distance_km", "distance_fixed_km", "distance_open_km"
            ),
            key=lambda row: (row[0] or 0, row[1]),
        )

    coverage.compute(territory, region_code="76")
    alone = snapshot()
    monkeypatch.setattr(coverage, "PARALLEL_MIN_PAIRS", 0)
    settings.SPRO_COVERAGE_PROCESSES = 2
    result = coverage.compute(territory, region_code="76")
    assert snapshot() == alone
    assert result.rows == len(alone) == 4 * (result.networks + 1)
