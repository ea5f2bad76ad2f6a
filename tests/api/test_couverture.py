"""GET /api/v1/couverture: population covered by département, from the stored coverage (the hand-checked
territory of tests/activity/test_coverage.py: a CIO 5 km from Toulouse, a PIJ 10 km from Albi)."""

import pytest

from spro.activity import coverage
from spro.labels.status import refresh_status
from spro.territories.models import Commune
from tests.activity.test_coverage import ALBI, CASTRES, MENDE, TERRITORY, TOULOUSE
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed():
    cio = directory.site("CIO de Toulouse", network_code="cio", commune_code=TOULOUSE, north_km=3, east_km=4)
    directory.site(
        "PIJ d'Albi", network_code="information-jeunesse", commune_code=ALBI, north_km=6, east_km=8
    )
    refresh_status(cio.structure)
    coverage.compute(Commune.objects.filter(code__in=TERRITORY))
    return dict(Commune.objects.filter(code__in=TERRITORY).values_list("code", "population"))


def test_without_a_network_it_is_the_coverage_by_any_spro_member_at_20_km(client, computed):
    response = client.get("/api/v1/couverture")
    assert response.status_code == 200
    body = response.json()
    assert body["reseau"] is None
    assert body["distance_km"] == 20
    assert body["calcule_le"]
    assert body["items"] == [
        {
            "departement": "31",
            "nom": "Haute-Garonne",
            "population": computed[TOULOUSE],
            "population_couverte": computed[TOULOUSE],
            "communes_hors_zone": 0,
        },
        {
            "departement": "48",
            "nom": "Lozère",
            "population": computed[MENDE],
            "population_couverte": 0,
            "communes_hors_zone": 1,
        },
        {
            "departement": "81",
            "nom": "Tarn",
            "population": computed[ALBI] + computed[CASTRES],
            "population_couverte": 0,  # the PIJ is no SPRO member
            "communes_hors_zone": 2,
        },
    ]
    assert body["population"] == sum(computed.values())
    assert body["population_couverte"] == computed[TOULOUSE]
    assert body["communes_hors_zone"] == 3


def test_a_network_and_a_distance(client, computed):
    body = client.get("/api/v1/couverture?reseau=information-jeunesse&distance=10,5").json()
    assert body["reseau"] == "information-jeunesse"
    assert body["distance_km"] == 10.5
    tarn = next(item for item in body["items"] if item["departement"] == "81")
    assert tarn["population_couverte"] == computed[ALBI]
    assert tarn["communes_hors_zone"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "distance=abc",
        "distance=inf",
        "distance=nan",
        "distance=-5",
        "distance=0",
        "distance=1e9",
        "distance=201",
        "distance=%00",
        "reseau=inconnu",
        "reseau=cio%00",
        "distance=" + "9" * 5000,
    ],
)
def test_bad_parameters_answer_422_in_french(client, computed, query):
    response = client.get(f"/api/v1/couverture?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["erreurs"][0]["champ"] in ("distance", "reseau")


def test_before_any_computation_the_answer_is_empty(client):
    body = client.get("/api/v1/couverture").json()
    assert body["calcule_le"] is None
    assert body["items"] == []
    assert body["population"] == 0
