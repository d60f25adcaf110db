"""No N+1 queries: listing a page costs the same number of queries with 4 or 6 rows of
every kind. Every registered list endpoint is checked, so a new one cannot be forgotten."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import valuecrm.api.main  # noqa: F401 - building the API registers every resource
from valuecrm.api.crud import RESOURCES
from valuecrm.conftest import make_records
from valuecrm.org.models import Role, User


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, limit=50)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("path", sorted(RESOURCES))
def test_query_count_does_not_grow_with_rows(org, records, channel, product, api, path):
    client = api(org.admin)
    client.get("me")  # the token's first use records last_used_at: keep it out of the count
    before = _queries(client, path)
    for i in range(2):
        rep = User.objects.create_user(username=f"extra{i}", role=Role.REP, unit=org.team_c)
        make_records(rep, channel, product)
    assert _queries(client, path) == before
