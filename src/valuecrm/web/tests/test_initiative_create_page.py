"""Recording an initiative on the initiatives page (value.actions.create_initiative): the
metrics it should move as rows of expected change in percent, requirements from the user's
scope; the action's refusals come back next to the field or the metric row."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from valuecrm.value.actions import create_requirement
from valuecrm.value.models import Initiative

URL = "/initiatives/new/"


def initiative_post(**changes):
    data = {"name": "线索自动分配", "launch_date": "2026-10-01", "measure_days": "30",
            "estimated_value": "120000", "background": "手工分配慢", "goal": "首次联系更快",
            "metrics-TOTAL_FORMS": "3", "metrics-INITIAL_FORMS": "0",
            "metrics-MIN_NUM_FORMS": "0", "metrics-MAX_NUM_FORMS": "1000",
            "metrics-0-metric": "contract_amount", "metrics-0-change": "20",
            "metrics-1-metric": "win_rate", "metrics-1-change": "-12.5",
            "metrics-2-metric": "", "metrics-2-change": ""}
    return {**data, **changes}


@pytest.fixture
def requirement(org):
    return create_requirement(actor=org.manager_a, title="分配要快", kind="essential")


def test_a_manager_records_an_initiative_and_lands_on_its_page(org, requirement, client):
    client.force_login(org.manager_a)
    assert URL in client.get(reverse("web:initiative_list")).content.decode()
    response = client.post(URL, initiative_post(requirements=[requirement.pk]))
    initiative = Initiative.objects.get()
    assert response["Location"] == f"/initiatives/{initiative.pk}/"
    assert (initiative.name, initiative.launch_date, initiative.measure_days,
            initiative.estimated_value, initiative.owner) == (
        "线索自动分配", date(2026, 10, 1), 30, Decimal("120000"), org.manager_a)
    assert dict(initiative.metrics.values_list("metric_key", "expected_change")) == {
        "contract_amount": Decimal("0.2"), "win_rate": Decimal("-0.125")}
    assert list(initiative.requirements.all()) == [requirement]


def test_refusals_show_on_the_rows_and_nothing_is_written(org, client):
    client.force_login(org.manager_a)
    none = {"metrics-0-metric": "", "metrics-0-change": "",
            "metrics-1-metric": "", "metrics-1-change": ""}
    response = client.post(URL, initiative_post(**none), HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "<html" not in response.content.decode()
    assert response.context["row_sets"][0].errors_above  # "name at least one metric"
    # The model keeps changes up to 9,999.9999 (a factor of ten thousand): more is refused.
    response = client.post(URL, initiative_post(**{"metrics-1-change": "1000000"}))
    rows = response.context["row_sets"][0]
    assert response.status_code == 422 and rows.forms[1].non_field_errors()
    assert not rows.forms[0].errors
    short = client.post(URL, initiative_post(measure_days="3"))
    assert short.context["form"].non_field_errors() == [
        "Measure at least 7 days before and after launch."]
    twice = client.post(URL, initiative_post(**{"metrics-1-metric": "contract_amount"}))
    assert twice.status_code == 422 and twice.context["row_sets"][0].non_form_errors()
    assert not Initiative.objects.exists()


def test_a_requirement_outside_the_scope_cannot_be_linked(org, requirement, client):
    client.force_login(org.rep_c)
    response = client.post(URL, initiative_post(requirements=[requirement.pk]))
    assert response.status_code == 422 and response.context["form"].errors["requirements"]
    assert not Initiative.objects.exists()


def test_read_only_people_are_refused(org, client):
    client.force_login(org.analyst)
    assert URL not in client.get(reverse("web:initiative_list")).content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, initiative_post()).status_code == 403
    assert not Initiative.objects.exists()
