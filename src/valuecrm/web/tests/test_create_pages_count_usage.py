"""Creating a campaign, an order or an initiative through its page counts as use of that
feature: the page view (middleware) and the creation (the action's `track`); a refused
creation counts only the page view."""

from valuecrm.segments.actions import create_segment
from valuecrm.usage.models import UsageEvent
from valuecrm.web.tests.test_campaign_create_page import campaign_post
from valuecrm.web.tests.test_initiative_create_page import initiative_post
from valuecrm.web.tests.test_order_create_page import order_post


def _events(user) -> set[tuple[str, str]]:
    return set(UsageEvent.objects.filter(user=user).values_list("feature", "action"))


def test_each_creation_is_counted_under_its_feature(org, records, product, client,
                                                    django_capture_on_commit_callbacks):
    segment = create_segment(actor=org.admin, name="制造业", definition={
        "field": "industry", "value": "制造业"})
    client.force_login(org.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/campaigns/new/", campaign_post(segment)).status_code == 302
        assert client.post("/initiatives/new/", initiative_post()).status_code == 302
        assert client.post("/orders/new/", order_post(records["rep_a"].contract,
                                                      product)).status_code == 302
    assert _events(org.manager_a) == {
        ("campaigns", "page_view"), ("campaigns", "create"),
        ("initiatives", "page_view"), ("initiatives", "create"),
        ("delivery", "page_view"), ("delivery", "create_order")}


def test_a_refused_creation_is_not_counted(org, records, product, client,
                                           django_capture_on_commit_callbacks):
    client.force_login(org.rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/orders/new/", order_post(records["rep_a"].contract, product,
                                                          quantity="0"))
    assert response.status_code == 422
    assert _events(org.rep_a) == {("delivery", "page_view")}
