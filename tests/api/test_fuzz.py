"""Fuzzing the open-data API from its own OpenAPI document (schemathesis).

Every operation gets generated requests, valid and invalid; each response must not be a server error and
must match what the schema documents (status codes, content type, body shape).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from spro.wsgi import application


def over_https(environ, start_response):
    """The API as a production client reaches it: over HTTPS (spro redirects plain HTTP)."""
    environ["wsgi.url_scheme"] = "https"
    return application(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", over_https)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: the request cycle must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_request_as_documented(case):
    case.call_and_validate()


# Hostile values, sent deliberately into every parameter the OpenAPI document declares (and into every
# field of the aiguillage body). Hypothesis rarely draws them, and some only break PostgreSQL: a NUL
# character, a lone surrogate, 100 kB of text, non-finite and 5,000-digit numbers. A new parameter is
# covered without being listed here.

from spro.api import api  # noqa: E402

HOSTILE_QUERY_VALUES = {
    "nul": "%00",
    "nul-inside": "31%00555",
    "lone-surrogate": "%ED%A0%80",  # Django decodes invalid UTF-8 as U+FFFD
    "100-kB": "a" * 100_000,
    "1e999": "1e999",
    "nan": "NaN",
    "minus-infinity": "-Infinity",
    "5000-digits": "9" * 5000,
    "minus-5000-digits": "-" + "9" * 5000,
}
# JSON literals for a field of a JSON body.
HOSTILE_JSON_VALUES = {
    "nul": '"\\u0000"',
    "lone-surrogate": '"\\ud800"',
    "100-kB": '"' + "a" * 100_000 + '"',
    "1e999": "1e999",
    "nan": "NaN",
    "minus-infinity": "-Infinity",
    "5000-digits": "9" * 5000,
    "deep-array": "[" * 50_000 + "]" * 50_000,
    "deep-object": '{"a":' * 50_000 + "1" + "}" * 50_000,
}
# Values that make the other parameters of an operation valid, so that the hostile one is reached.
BASELINE = {"/api/v1/lieux": {"commune": "31555"}, "/api/v1/communes": {"q": "toulouse"}}


def openapi_parameters():
    """(method, path, parameter name, where) of every parameter of the API."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                found.append((method, path, parameter["name"], parameter["in"]))
    return found


def json_body_fields():
    """(path, field) of every property of the JSON bodies documented (objects or lists of objects)."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            schemas = content["schema"].get("anyOf", [content["schema"]])
            for schema in schemas:
                for name in schema.get("properties", {}):
                    if (path, name) not in found:
                        found.append((path, name))
    return found


def assert_a_french_client_error_or_an_answer(response, name):
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith(("application/json", "text/csv", "application/geo+json"))
    if response.status_code >= 400:
        body = response.json()
        assert body["detail"] and "Input should" not in body["detail"], body["detail"][:300]
        if response.status_code == 422:
            assert name in {e["champ"] for e in body["erreurs"]}, body


def test_every_parameter_is_covered():
    assert len(openapi_parameters()) >= 15
    assert len(json_body_fields()) >= 11


@pytest.mark.parametrize("method,path,name,where", openapi_parameters(), ids=lambda v: str(v))
def test_every_parameter_refuses_hostile_values_in_french(client, method, path, name, where):
    # One client per test: each new Client loads the middleware again (whitenoise lists static files).
    for value_name, value in HOSTILE_QUERY_VALUES.items():
        params = dict(BASELINE.get(path, {}))
        if where == "path":
            url = path.replace("{" + name + "}", value)
        else:
            params[name] = value
            url = path
        query = "&".join(f"{key}={val}" for key, val in params.items())
        response = client.generic(method.upper(), f"{url}?{query}" if query else url)
        if value_name.startswith("nul"):  # never a valid character: the same 422 as any invalid value
            assert response.status_code == 422, (value_name, response.content[:300])
        if where == "path":
            assert response.status_code in {404, 422}, (value_name, response.content[:300])
        assert_a_french_client_error_or_an_answer(response, name)


@pytest.mark.parametrize("path,name", json_body_fields(), ids=lambda v: str(v))
def test_every_body_field_refuses_hostile_values_in_french(client, path, name):
    for value_name, value in HOSTILE_JSON_VALUES.items():
        for body in (f'{{"{name}": {value}}}', f'[{{}}, {{"{name}": {value}}}]'):
            response = client.post(path, data=body, content_type="application/json")
            assert response.status_code == 422, (value_name, response.content[:300])
            assert_a_french_client_error_or_an_answer(response, name)
