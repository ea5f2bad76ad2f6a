"""GET /api/v1/lieux (proximity search), /api/v1/lieux/<id> and the CSV / GeoJSON exports."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from spro.directory.models import Site
from tests.directory import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/lieux"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
def test_it_answers_sites_near_a_commune_sorted_by_distance(client):
    f.site("Loin", north_km=8, opening_hours="Mo-Fr 09:00-17:00")
    f.site(
        "Près",
        north_km=1,
        network_code="mission-locale",
        services=[
            {
                "name": "Accompagnement vers l'emploi",
                "needs": ["trouver-un-emploi"],
                "publics": ["jeunes-16-25"],
                "access_modes": ["sur-rendez-vous"],
                "appointment_url": "https://rdv.example.org",
            }
        ],
    )
    response = client.get(URL, {"commune": f.TOULOUSE, "rayon": 20})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2 and data["page"] == 1
    assert [item["nom"] for item in data["items"]] == ["Près", "Loin"]
    near, far = data["items"]
    assert near["distance_km"] == pytest.approx(1, abs=0.01)
    assert near["reseau"] == "mission-locale"
    assert near["commune"] == "Toulouse" and near["code_commune"] == f.TOULOUSE
    assert near["services"] == [
        {
            "nom": "Accompagnement vers l'emploi",
            "description": "",
            "besoins": ["trouver-un-emploi"],
            "publics": ["jeunes-16-25"],
            "gratuit": True,
            "modalites_acces": ["sur-rendez-vous"],
            "lien_rendez_vous": "https://rdv.example.org",
        }
    ]
    assert near["etat"] == "inconnu"
    assert far["etat"] == "ouvert" and far["etat_texte"] == "Ouvert maintenant, ferme à 17 h"
    assert far["url"].endswith(f"/lieux/{Site.objects.get(name='Loin').pk}/")
    for key in (
        "id",
        "structure",
        "adresse",
        "code_postal",
        "latitude",
        "longitude",
        "horaires",
        "telephone",
    ):
        assert key in far


def test_the_answer_is_exactly_what_its_documented_schema_describes(client):
    """The list is rendered without ninja's check of the answer: reading it back through `LieuxOut`
    must change nothing (no field missing, none added, every type already the documented one)."""
    from spro.api.lieux import LieuxOut

    f.site("Près", north_km=1, opening_hours="Mo-Su 00:00-24:00")
    f.site("Loin", north_km=5, reception_modes=("sur-place", "visio"))
    response = client.get(URL, {"commune": f.TOULOUSE, "rayon": 20})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert len(data["items"]) == 2
    assert LieuxOut.model_validate(data).model_dump(mode="json") == data


def test_it_searches_around_a_point(client):
    site = f.site("Lieu", north_km=3)
    response = client.get(URL, {"lat": site.latitude, "lon": site.longitude, "rayon": 1})
    assert [item["nom"] for item in response.json()["items"]] == ["Lieu"]
    assert response.json()["items"][0]["distance_km"] == 0


def test_it_filters_by_need_public_network_mode_and_text(client):
    f.site("CIO", needs=["orientation-scolaire"], publics=["eleves"])
    f.site("VAE", network_code="conseil-vae", needs=["vae"], publics=["salaries"], reception_modes=["visio"])
    params = {"commune": f.TOULOUSE}
    assert client.get(URL, {**params, "besoin": "vae"}).json()["total"] == 1
    assert client.get(URL, {**params, "public": "eleves"}).json()["items"][0]["nom"] == "CIO"
    assert client.get(URL, {**params, "reseau": "conseil-vae"}).json()["items"][0]["nom"] == "VAE"
    assert client.get(URL, {**params, "mode": "visio"}).json()["items"][0]["nom"] == "VAE"
    assert client.get(URL, {**params, "q": "vae"}).json()["items"][0]["nom"] == "VAE"


def test_it_paginates(client):
    for km in range(5):
        f.site(f"Lieu {km}", north_km=km)
    data = client.get(URL, {"commune": f.TOULOUSE, "par_page": 2, "page": 3}).json()
    assert data["total"] == 5 and data["page"] == 3 and data["par_page"] == 2
    assert [item["nom"] for item in data["items"]] == ["Lieu 4"]
    assert client.get(URL, {"commune": f.TOULOUSE, "page": 1000}).json()["items"] == []


def test_it_lists_at_most_the_nearest_max_listed_and_says_there_are_more(client, monkeypatch):
    from spro.directory import search

    monkeypatch.setattr(search, "MAX_LISTED", 3)
    for km in range(5):
        f.site(f"Lieu {km}", north_km=km + 0.3)
    data = client.get(URL, {"commune": f.TOULOUSE, "par_page": 2, "page": 2}).json()
    assert (data["total"], data["plus_de_resultats"]) == (3, True)
    assert [item["nom"] for item in data["items"]] == ["Lieu 2"]
    exact = client.get(URL, {"commune": f.TOULOUSE, "rayon": 3}).json()
    assert (exact["total"], exact["plus_de_resultats"]) == (3, False)


def test_an_unknown_commune_answers_404_in_french(client):
    response = client.get(URL, {"commune": "99999"})
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Commune « 99999 » inconnue : indiquez son code INSEE (par exemple 31555 pour Toulouse)."
    )


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "Indiquez une commune (code INSEE, paramètre commune) ou une position (lat et lon)."),
        ({"lat": "43.6"}, "Indiquez la latitude et la longitude ensemble (lat et lon)."),
        ({"commune": "31555", "rayon": "0"}, "rayon : la valeur doit être supérieure ou égale à 1"),
        ({"commune": "31555", "rayon": "201"}, "rayon : la valeur doit être inférieure ou égale à 200"),
        ({"commune": "31555", "besoin": "danse"}, "besoin : valeur inconnue"),
        ({"commune": "31555", "public": "martiens"}, "public : valeur inconnue"),
        ({"commune": "31555", "reseau": "inconnu"}, "Réseau « inconnu » inconnu."),
        ({"lat": "nan", "lon": "1"}, "lat : un nombre fini est attendu"),
        ({"lat": "91", "lon": "1"}, "lat : la valeur doit être inférieure ou égale à 90"),
        ({"commune": "31555", "page": "0"}, "page : la valeur doit être supérieure ou égale à 1"),
    ],
)
def test_bad_parameters_answer_422_in_french(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_it_gives_a_site_in_detail(client):
    site = f.site("Lieu", accessibility=["pmr"], description="Entrée par la cour")
    data = client.get(f"{URL}/{site.pk}").json()
    assert data["nom"] == "Lieu"
    assert data["accessibilite"] == ["pmr"]
    assert data["informations_pratiques"] == "Entrée par la cour"
    assert data["distance_km"] is None
    assert data["donnees_fictives"] is False


def test_an_unknown_or_inactive_site_answers_404_in_french(client):
    site = f.site("Fermé", is_active=False)
    for pk in (site.pk, 987654):
        response = client.get(f"{URL}/{pk}")
        assert response.status_code == 404
        assert response.json()["detail"] == f"Aucun lieu d'accueil actif ne porte l'identifiant {pk}."


def test_the_csv_export_lists_every_active_site_with_a_header(client):
    f.site("Toulouse", needs=["vae", "se-former"])
    f.site("Albi", commune_code=f.ALBI)
    f.site("Inactif", is_active=False)
    response = client.get(f"{URL}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))
    assert sorted(row["nom"] for row in rows) == ["Albi", "Toulouse"]
    toulouse = next(row for row in rows if row["nom"] == "Toulouse")
    assert toulouse["besoins"] == "se-former|vae"
    assert toulouse["code_commune"] == f.TOULOUSE and toulouse["reseau"] == "cio"
    assert float(toulouse["latitude"]) == pytest.approx(Site.objects.get(name="Toulouse").latitude)


def test_the_geojson_export_is_a_feature_collection_of_points(client):
    site = f.site("Toulouse", reception_modes=["sur-place", "telephone"])
    response = client.get(f"{URL}/export.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [site.longitude, site.latitude]}
    assert feature["properties"]["nom"] == "Toulouse"
    assert feature["properties"]["modes_accueil"] == ["sur-place", "telephone"]


def test_an_empty_directory_exports_valid_files(client):
    assert json.loads(body(client.get(f"{URL}/export.geojson"))) == {
        "type": "FeatureCollection",
        "features": [],
    }
    assert body(client.get(f"{URL}/export.csv")).decode().startswith("id,nom,structure,")


def test_every_response_is_documented_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/lieux"]["get"]["responses"]) == {"200", "404", "422"}
    assert "text/csv" in paths["/api/v1/lieux/export.csv"]["get"]["responses"]["200"]["content"]
    assert (
        "application/geo+json" in paths["/api/v1/lieux/export.geojson"]["get"]["responses"]["200"]["content"]
    )


def test_the_number_of_queries_does_not_grow_with_the_results(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.site("Seul")
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"commune": f.TOULOUSE})
    for km in range(1, 20):
        f.site(f"Lieu {km}", north_km=km)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(URL, {"commune": f.TOULOUSE}).json()["total"] == 20
    assert len(twenty) == len(one)
