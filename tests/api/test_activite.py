"""GET /api/v1/activite and its CSV: monthly receptions by département of the site and network of the
structure; under the threshold `accueils` is null, so no integer below it ever leaves."""

import csv
import io
from datetime import date

import pytest

from spro.activity.models import Reception
from tests.directory import factories as directory

pytestmark = pytest.mark.django_db


def receptions(site, day, people):
    common = {"mode": "sur-place", "sexe": "femme", "age_band": "18-25", "statut": "eleve"}
    common |= {"need": "vae", "answer": "conseil"}
    Reception.objects.create(structure=site.structure, site=site, date=day, people=people, **common)


@pytest.fixture
def figures():
    cio = directory.site("CIO Toulouse", network_code="cio")  # Toulouse, 31
    ml = directory.site("ML Albi", network_code="mission-locale", commune_code="81004")
    receptions(cio, date(2026, 3, 2), 4)
    receptions(cio, date(2026, 3, 20), 3)  # March, 31, cio: 7
    receptions(cio, date(2026, 4, 2), 2)  # April, 31, cio: 2 → masked
    receptions(ml, date(2026, 3, 5), 1)  # March, 81, mission-locale: 1 → masked
    receptions(ml, date(2026, 4, 5), 5)  # April, 81: exactly the threshold → shown


def test_monthly_counts_by_departement_and_network_masked_under_the_threshold(client, figures):
    body = client.get("/api/v1/activite").json()
    assert body["total"] == 4 and body["seuil_masquage"] == 5
    assert body["items"] == [
        {"mois": "2026-03", "departement": "31", "reseau": "cio", "accueils": 7},
        {"mois": "2026-03", "departement": "81", "reseau": "mission-locale", "accueils": None},
        {"mois": "2026-04", "departement": "31", "reseau": "cio", "accueils": None},
        {"mois": "2026-04", "departement": "81", "reseau": "mission-locale", "accueils": 5},
    ]
    assert all(item["accueils"] is None or item["accueils"] >= 5 for item in body["items"])


def test_filters_and_pages(client, figures):
    body = client.get("/api/v1/activite?departement=31&du=2026-04&au=2026-04").json()
    assert [(i["mois"], i["departement"]) for i in body["items"]] == [("2026-04", "31")]
    body = client.get("/api/v1/activite?reseau=mission-locale&par_page=1&page=2").json()
    assert body["total"] == 2 and body["items"][0]["mois"] == "2026-04"


@pytest.mark.parametrize("query", ["du=2026-13", "au=mars", "departement=%00", "par_page=0", "page=x"])
def test_bad_parameters_get_a_french_422(client, figures, query):
    response = client.get(f"/api/v1/activite?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_threshold_is_a_setting(client, figures, settings):
    settings.SPRO_ACTIVITY_MASK_THRESHOLD = 8
    values = [item["accueils"] for item in client.get("/api/v1/activite").json()["items"]]
    assert values == [None, None, None, None]


def test_the_csv_has_the_same_rows_with_masked_cells_empty(client, figures):
    response = client.get("/api/v1/activite/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["mois", "departement", "reseau", "accueils"]
    assert rows[1:] == [
        ["2026-03", "31", "cio", "7"],
        ["2026-03", "81", "mission-locale", ""],
        ["2026-04", "31", "cio", ""],
        ["2026-04", "81", "mission-locale", "5"],
    ]
