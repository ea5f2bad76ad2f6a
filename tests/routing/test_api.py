"""POST /api/v1/aiguillage: the same contract as `spro aiguiller`, over HTTP."""

import json

import pytest

from tests.routing.factories import site

pytestmark = pytest.mark.django_db
URL = "/api/v1/aiguillage"


def post(client, body):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def test_it_answers_an_object_with_ranked_networks_and_reasons(client):
    response = post(client, {"age": 42, "statut": "salarie-prive", "cadre": True, "besoin": "reconversion"})
    assert response.status_code == 200
    body = response.json()
    assert [n["code"] for n in body["reseaux"]] == ["apec", "cep-actifs"]
    assert body["reseaux"][0]["raison"].startswith("Vous êtes cadre : l'Apec")
    assert body["reseaux"][0]["source"]
    assert body["lieux"] == []


def test_it_answers_an_array_in_the_same_order(client):
    response = post(client, [{"statut": "retraite"}, {"besoin": "vae"}])
    assert response.status_code == 200
    assert [[n["code"] for n in a["reseaux"]] for a in response.json()] == [[], ["conseil-vae"]]


def test_it_adds_sites_with_distance_and_opening_state(client):
    site("conseil-vae", needs=["vae"], offset_km=3, opening_hours="24/7")
    response = post(client, {"besoin": "vae", "commune": "31555"})
    place = response.json()["lieux"][0]
    assert (place["reseau"], place["etat"]) == ("conseil-vae", "ouvert")
    assert place["distance_km"] == pytest.approx(3, abs=0.1)


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"statut": "chomeur"}, "statut", "valeur « chomeur » inconnue"),
        ({"age": "17"}, "age", "un nombre entier est attendu"),
        ([{}, {"rqth": "oui"}], "rqth", "Situation d'indice 1 (n° 2)"),
        ({"inconnu": 1}, "inconnu", "champ inconnu"),
        ('{"age": ', "requête", "JSON invalide"),
        ("3", "requête", "un objet JSON (une situation) ou un tableau"),
    ],
)
def test_it_answers_422_with_a_french_message_naming_the_field(client, body, field, words):
    response = post(client, body)
    assert response.status_code == 422
    body = response.json()
    assert body["erreurs"][0]["champ"] == field
    assert words in body["detail"]


def test_it_answers_404_for_a_well_formed_but_unknown_commune(client):
    response = post(client, {"commune": "99999"})
    assert response.status_code == 404
    assert response.json()["erreurs"][0]["champ"] == "commune"


def test_it_limits_the_size_of_a_list(client):
    response = post(client, [{}] * 1001)
    assert response.status_code == 422
    assert "1000 au plus" in response.json()["detail"]


def test_the_schemas_are_documented_for_openapi(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    situation = body_schema["anyOf"][0]
    assert situation["additionalProperties"] is False
    assert "demandeur-emploi" in json.dumps(situation["properties"]["statut"])
    assert body_schema["anyOf"][1]["type"] == "array"
    assert {"200", "404", "422"} <= set(operation["responses"])
