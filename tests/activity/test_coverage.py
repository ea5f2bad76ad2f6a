"""Territorial coverage (spro.activity.coverage): on a small territory checked by hand, then the nearest
site search against brute force, the threshold's French errors and the nightly command.

The territory: Toulouse (31555), Albi (81004), Castres (81065) and Mende (48095). Two sites, placed
north and east of a commune's centre, so that their distance to it is the hypotenuse of a 3-4-5
triangle: a CIO 3 km north and 4 km east of Toulouse (5 km), a Point Information Jeunesse 6 km north
and 8 km east of Albi (10 km). The CIO is a member of the SPRO (membre de droit); the Information
Jeunesse structure has no SPRO status (not labelled), so it does not count for "any SPRO member".
"""

import math
import random
from io import StringIO

import pytest
from django.core.management import call_command

from spro.activity import coverage
from spro.activity.models import CommuneCoverage, CoverageRun
from spro.directory.models import Network
from spro.labels.status import refresh_status
from spro.territories.geo import distance_km
from spro.territories.models import Commune
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db

TOULOUSE, ALBI, CASTRES, MENDE = "31555", "81004", "81065", "48095"
TERRITORY = [TOULOUSE, ALBI, CASTRES, MENDE]


@pytest.fixture
def territory():
    cio = directory.site("CIO de Toulouse", network_code="cio", commune_code=TOULOUSE, north_km=3, east_km=4)
    pij = directory.site(
        "PIJ d'Albi", network_code="information-jeunesse", commune_code=ALBI, north_km=6, east_km=8
    )
    refresh_status(cio.structure)
    refresh_status(pij.structure)
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    communes = {c.code: c for c in Commune.objects.filter(code__in=TERRITORY)}
    return {"cio": cio, "pij": pij, "communes": communes}


def stored(network_code, commune_code):
    network = None if network_code is None else Network.objects.get(code=network_code)
    return CommuneCoverage.objects.get(network=network, commune_id=commune_code).distance_km


def test_each_commune_stores_its_distance_to_the_nearest_site_of_each_network(territory):
    assert stored("cio", TOULOUSE) == pytest.approx(5, abs=0.01)
    assert stored("information-jeunesse", ALBI) == pytest.approx(10, abs=0.01)
    # The other distances are the great-circle ones to the same sites, within 0.1 %.
    cio, communes = territory["cio"], territory["communes"]
    for code in (ALBI, CASTRES, MENDE):
        c = communes[code]
        assert stored("cio", code) == pytest.approx(
            distance_km(c.latitude, c.longitude, cio.latitude, cio.longitude), rel=0.001
        )
    # A network without any site: no distance at all (farther than the maximum).
    assert stored("mission-locale", TOULOUSE) is None
    # Every active network and any member, for every commune of the territory.
    assert CommuneCoverage.objects.count() == 4 * (Network.objects.filter(is_active=True).count() + 1)


def test_any_spro_member_counts_only_structures_with_a_spro_status(territory):
    # Albi is 10 km from the PIJ, but the PIJ is no SPRO member: Albi's nearest member is the CIO.
    assert stored(None, TOULOUSE) == pytest.approx(5, abs=0.01)
    assert stored(None, ALBI) == pytest.approx(stored("cio", ALBI))
    assert stored(None, ALBI) > 50


def test_population_covered_and_white_zones_by_departement(territory):
    communes = territory["communes"]
    pop = {code: c.population for code, c in communes.items()}
    cio = Network.objects.get(code="cio")
    rows = {row["code"]: row for row in coverage.area_rows(cio, 20, "76")}
    assert set(rows) == {"31", "81", "48"}
    assert rows["31"]["population"] == rows["31"]["population_couverte"] == pop[TOULOUSE]
    assert rows["31"]["part_couverte"] == 1
    assert rows["81"] == {
        "code": "81",
        "name": "Tarn",
        "population": pop[ALBI] + pop[CASTRES],
        "population_couverte": 0,
        "communes": 2,
        "communes_hors_zone": 2,
        "part_couverte": 0,
    }
    zones = coverage.white_zones(cio, 20, "76")
    assert [z["code"] for z in zones] == sorted([ALBI, CASTRES, MENDE], key=lambda code: -pop[code])
    total = coverage.region_total(list(rows.values()))
    assert total["population_couverte"] == pop[TOULOUSE]
    assert total["communes_hors_zone"] == 3

    pij = Network.objects.get(code="information-jeunesse")
    # The threshold is inclusive and changeable: Albi is covered at 10 km, not at 9.9.
    assert ALBI in {z["code"] for z in coverage.white_zones(pij, 9.9, "76")}
    assert ALBI not in {z["code"] for z in coverage.white_zones(pij, 10.1, "76")}
    by_dep = {row["code"]: row for row in coverage.area_rows(pij, 10.1, "76")}
    assert by_dep["81"]["population_couverte"] == pop[ALBI]


def test_inactive_sites_and_structures_do_not_cover(territory):
    territory["cio"].is_active = False
    territory["cio"].save()
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    assert stored("cio", TOULOUSE) is None
    pij = territory["pij"]
    pij.structure.is_active = False
    pij.structure.save()
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    assert stored("information-jeunesse", ALBI) is None


def test_nearest_distances_agree_with_brute_force():
    rng = random.Random(12)
    sites = [(rng.uniform(42.3, 51), rng.uniform(-4.5, 8)) for _ in range(400)]
    # Points all over France, a few far from every site (overseas: Réunion, Guyane).
    points = [(rng.uniform(42, 51.2), rng.uniform(-5, 8.5)) for _ in range(500)] + [
        (-21.1, 55.5),
        (4.9, -52.3),
    ]
    found = coverage.nearest_distances(points, sites)
    for (lat, lon), km in zip(points, found, strict=True):
        truth = min(distance_km(lat, lon, a, b) for a, b in sites)
        if truth > coverage.MAX_DISTANCE_KM:
            assert km is None
        else:
            assert km == pytest.approx(truth, rel=0.001, abs=0.01)
    assert found[-2:] == [None, None]
    # A smaller maximum cuts what lies beyond it.
    capped = coverage.nearest_distances(points, sites, max_km=5)
    assert all(
        c is None if f is None or f > 5 else c == pytest.approx(f) for c, f in zip(capped, found, strict=True)
    )
    assert coverage.nearest_distances(points, []) == [None] * len(points)


@pytest.mark.parametrize(
    "value", ["abc", "inf", "-inf", "nan", "1e400", "-3", "0", "201", "1e9", "20\x00", "5" * 100_000]
)
def test_a_distance_that_cannot_be_used_is_refused_in_french(value):
    with pytest.raises(coverage.DistanceError) as error:
        coverage.parse_distance(value)
    assert "distance" in str(error.value).lower()


def test_distances_are_read_in_km_with_a_comma_or_a_dot():
    assert coverage.parse_distance(None) == coverage.DEFAULT_DISTANCE_KM == 20
    assert coverage.parse_distance("") == 20
    assert coverage.parse_distance("12,5") == 12.5
    assert coverage.parse_distance(" 15 ") == 15
    assert coverage.parse_distance("200") == coverage.MAX_DISTANCE_KM
    assert math.isfinite(coverage.parse_distance("0.1"))


def test_the_command_is_idempotent_and_says_what_it_did_in_french():
    directory.site("CIO de Toulouse", network_code="cio", commune_code=TOULOUSE, north_km=3, east_km=4)
    outputs, snapshots = [], []
    for _ in range(2):
        out = StringIO()
        call_command("calculer-couverture", stdout=out)
        outputs.append(out.getvalue())
        snapshots.append(
            sorted(
                CommuneCoverage.objects.filter(network__code="cio").values_list("commune_id", "distance_km")
            )
        )
    assert snapshots[0] == snapshots[1]
    communes = Commune.objects.exclude(latitude=None).exclude(longitude=None).count()
    assert CommuneCoverage.objects.count() == communes * (Network.objects.filter(is_active=True).count() + 1)
    assert CoverageRun.objects.count() == 2
    assert outputs[0].startswith(f"Couverture calculée : {communes} communes, 1 lieu d'accueil actif")
    assert " s." in outputs[0]
    assert dict(snapshots[0])[TOULOUSE] == pytest.approx(5, abs=0.01)
