"""Schemathesis against /api/v1/openapi.json: for any input the schema allows (and much it
does not), no answer is a server error and every documented answer matches its schema.

Examples are bounded per operation so the whole API is fuzzed in about a minute; run with
VALUECRM_FUZZ_EXAMPLES=200 for a deeper search.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from valuecrm.org.actions import create_api_token

EXAMPLES = int(os.environ.get("VALUECRM_FUZZ_EXAMPLES", "8"))


from valuecrm.wsgi import application  # noqa: E402 - after Django is configured

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the test's transaction must survive each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(records, org):
    return create_api_token(actor=org.admin, user=org.admin, name="fuzz")[1]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_api(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
