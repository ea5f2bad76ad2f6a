"""Fuzzing the open-data API from its own OpenAPI document (schemathesis).

Every operation gets generated requests, valid and invalid; each response must not be a server error and
must match what the schema documents (status codes, content type, body shape).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from spro.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.django_db


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_request_as_documented(case):
    case.call_and_validate()
