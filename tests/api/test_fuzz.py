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
