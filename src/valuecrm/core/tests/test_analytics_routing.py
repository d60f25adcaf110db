"""Reports read from the analytics replica when one is configured; writes never go there,
not even from inside a report; without a replica everything stays on `default`."""

from datetime import date

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext

from valuecrm.core.routing import analytics_reads
from valuecrm.metrics.queries import metric_values
from valuecrm.org.models import OrgUnit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True,
                                   databases=["default", "analytics"])
WRITES = {"INSERT", "UPDATE", "DELETE"}
READS = {"SELECT", "DECLARE"}  # DECLARE: a server-side cursor (QuerySet.iterator) on PostgreSQL


def statements(captured) -> list[str]:
    return [q["sql"].lstrip().split(None, 1)[0].upper() for q in captured.captured_queries]


@pytest.fixture
def queries_per_alias():
    """Captures the statements sent to each alias inside the `with` block."""

    class Both:
        def __enter__(self):
            self.default = CaptureQueriesContext(connections["default"]).__enter__()
            self.analytics = CaptureQueriesContext(connections["analytics"]).__enter__()
            return self

        def __exit__(self, *exc):
            self.analytics.__exit__(*exc)
            self.default.__exit__(*exc)

    return Both


def test_reports_read_from_the_replica(org, records, api, settings, queries_per_alias):
    settings.ANALYTICS_DATABASE = "analytics"
    with queries_per_alias() as metrics:
        result = metric_values(user=org.admin, key="leads_created", start=date(2020, 1, 1),
                               end=date(2030, 12, 31))
    assert result["totals"][0]["value"] == len(org.reps)  # the replica sees the rows
    assert set(statements(metrics.analytics)) & READS
    assert not set(statements(metrics.analytics)) & WRITES

    with queries_per_alias() as process:
        response = api(org.admin).get("process/sources/opportunities/analysis")
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["cases"] == len(org.reps)
    assert set(statements(process.analytics)) & READS
    assert not set(statements(process.analytics)) & WRITES


def test_writes_inside_a_report_go_to_default(org, settings, queries_per_alias):
    settings.ANALYTICS_DATABASE = "analytics"
    with queries_per_alias() as sent, analytics_reads():
        unit = OrgUnit.objects.create(name="新部门", kind=OrgUnit.Kind.DEPARTMENT)
        OrgUnit.objects.filter(pk=unit.pk).update(name="改名")
        assert router.db_for_read(OrgUnit) == "analytics"
        assert router.db_for_write(OrgUnit) == "default"
    assert not set(statements(sent.analytics)) & WRITES
    assert {"INSERT", "UPDATE"} <= set(statements(sent.default))
    assert not router.allow_migrate("analytics", "org")


def test_without_a_replica_reports_read_default(org, records, settings, queries_per_alias):
    settings.ANALYTICS_DATABASE = None
    with queries_per_alias() as sent:
        metric_values(user=org.admin, key="leads_created", start=date(2020, 1, 1),
                      end=date(2030, 12, 31))
    assert statements(sent.analytics) == []
    assert set(statements(sent.default)) & READS
    with analytics_reads():
        assert router.db_for_read(OrgUnit) == "default"
