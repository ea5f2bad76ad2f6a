"""Hostile situations: numbers JSON allows but no person has, deep nesting, oversized bodies.

The API answers 422 (413 for a body over the size limit) with a French JSON body naming the field;
`spro aiguiller` writes the same French message on standard error and exits with code 2. Never a 500,
never a traceback.
"""

import json

import pytest
from django.conf import settings

from tests.routing.test_aiguiller_command import run

pytestmark = pytest.mark.django_db
URL = "/api/v1/aiguillage"
DIGITS_5000 = "9" * 5000
DEPTH = 100_000  # far beyond Python's recursion limit

# (raw JSON body, field the message must name, words of the message)
HOSTILE_NUMBERS = [
    ('{"age": 1e999}', "age", "la valeur 1e999 doit être comprise entre 0 et 120"),
    ('{"age": NaN}', "age", "un nombre fini est attendu, pas NaN"),
    ('{"age": -Infinity}', "age", "nombre fini"),
    ('{"age": Infinity}', "age", "nombre fini"),
    ('{"age": ' + DIGITS_5000 + "}", "age", "comprise entre 0 et 120"),
    ('{"age": -' + DIGITS_5000 + "}", "age", "comprise entre 0 et 120"),
    ('{"age": ' + DIGITS_5000 + ".5}", "age", "comprise entre 0 et 120"),
    ('{"mois_hors_ecole": 1e999}', "mois_hors_ecole", "comprise entre 0 et 1200"),
    ('{"mois_hors_ecole": -1e999}', "mois_hors_ecole", "comprise entre 0 et 1200"),
    ('{"mois_hors_ecole": 1e308}', "mois_hors_ecole", "comprise entre 0 et 1200"),
    ('{"mois_hors_ecole": ' + DIGITS_5000 + "}", "mois_hors_ecole", "comprise entre 0 et 1200"),
    ('[{}, {"age": NaN}]', "age", "Situation d'indice 1"),
    ('{"cadre": NaN}', "cadre", "true ou false"),
    ('{"statut": Infinity}', "statut", "un texte est attendu"),
    ('{"inconnu": NaN}', "inconnu", "champ inconnu"),
]
HOSTILE_NESTING = [
    ("[" * DEPTH + "]" * DEPTH, "requête", "imbriqu"),
    ('{"a":' * DEPTH + "1" + "}" * DEPTH, "a", "imbriqu"),
    ('{"age": ' + "[" * DEPTH + "]" * DEPTH + "}", "age", "imbriqu"),
    ('[{}, {"besoin": ' + '{"a":' * DEPTH + "1" + "}" * DEPTH + "}]", "besoin", "Situation d'indice 1"),
    ('{"age": ' + "[" * 50 + "]" * 50 + "}", "age", "un nombre entier est attendu, pas une liste"),
]
HOSTILE_TEXT = [
    ('{"commune": "\\u0000"}', "commune", "caractère nul"),
    ('{"commune": "3155\\ud800"}', "commune", "caractère"),
    ('{"premiere_porte": "\\udfff"}', "premiere_porte", "caractère"),
    ('{"\\u0000": 1}', "requête", "caractère nul"),
    ('{"commune": "' + "3" * 100_000 + '"}', "commune", "trop long"),
]
CASES = HOSTILE_NUMBERS + HOSTILE_NESTING + HOSTILE_TEXT


def case_id(case):
    return case[0][:40]


@pytest.mark.parametrize("body, field, words", CASES, ids=[case_id(c) for c in CASES])
def test_the_api_answers_422_naming_the_field(client, body, field, words):
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["erreurs"][0]["champ"] == field
    assert words in answer["detail"]
    assert len(answer["detail"]) < 500  # a 5,000-digit value is not echoed back


@pytest.mark.parametrize("body, field, words", CASES, ids=[case_id(c) for c in CASES])
def test_the_command_writes_a_french_message_and_exits_2(monkeypatch, body, field, words):
    code, out, err = run(monkeypatch, body.encode("utf-8"))
    assert (code, out) == (2, "")
    assert err.startswith("Erreur : ")
    assert words in err
    if field != "requête":
        assert f"« {field} »" in err or field in err
    assert "Traceback" not in err


def test_the_api_answers_a_body_over_the_size_limit_in_json(client):
    body = b'{"age": 20, "x": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "trop volumineux" in detail
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024 // 1024}" in detail


def test_any_bad_request_on_the_api_is_answered_in_json(client):
    # Too many query parameters: Django refuses the request itself (TooManyFieldsSent) before any view.
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/api/v1/lieux?commune=31555&{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "requête" in response.json()["detail"]


def test_a_bad_request_on_a_page_is_answered_in_french(client):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/annuaire/?{query}")
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
    assert 'lang="fr"' in response.content.decode()


def test_valid_situations_still_route(client):
    response = client.post(
        URL, data=json.dumps([{"age": 17.0}, {"age": 45}]), content_type="application/json"
    )
    assert response.status_code == 200
    assert len(response.json()) == 2
