"""GET /api/v1/communes?q=…: communes by name or postal code, best match first."""

import pytest

pytestmark = pytest.mark.django_db

FIELDS = {"code", "nom", "codes_postaux", "departement", "region", "latitude", "longitude", "population"}


def test_it_finds_a_commune_by_name_with_every_field(client):
    response = client.get("/api/v1/communes", {"q": "saint etienne"})
    assert response.status_code == 200
    first = response.json()[0]
    assert set(first) == FIELDS
    assert first["code"] == "42218"
    assert first["nom"] == "Saint-Étienne"
    assert "42000" in first["codes_postaux"]
    assert (first["departement"], first["region"]) == ("42", "84")
    assert first["population"] > 100_000
    assert first["latitude"] == pytest.approx(45.44, abs=0.05)


@pytest.mark.parametrize("q, code", [("31000", "31555"), ("st nazaire", "44184"), ("AJACCIO", "2A004")])
def test_the_best_match_comes_first(client, q, code):
    assert client.get("/api/v1/communes", {"q": q}).json()[0]["code"] == code


def test_limit_bounds_the_list(client):
    assert len(client.get("/api/v1/communes", {"q": "saint", "limit": 3}).json()) == 3
    assert len(client.get("/api/v1/communes", {"q": "saint"}).json()) == 10


def test_an_unknown_commune_gives_an_empty_list(client):
    response = client.get("/api/v1/communes", {"q": "qqqqzz"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("limit", ["0", "51", "-3", "dix"])
def test_a_limit_out_of_range_is_a_422_in_french(client, limit):
    response = client.get("/api/v1/communes", {"q": "paris", "limit": limit})
    assert response.status_code == 422
    body = response.json()
    assert body["erreurs"][0]["champ"] == "limit"
    assert "Paramètres invalides — limit" in body["detail"]


def test_q_is_required(client):
    response = client.get("/api/v1/communes")
    assert response.status_code == 422
    assert response.json()["erreurs"][0] == {"champ": "q", "message": "ce champ est obligatoire"}


def test_the_openapi_document_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/communes" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
