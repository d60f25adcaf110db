"""Every page needs a signed-in user and respects data scope. PAGES must name every URL of
the web app, so a new page cannot be forgotten here."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from valuecrm.web import urls as web_urls

PUBLIC = {"healthz", "login"}


def order_of(r):
    """The rep's sales order (placed on their contract the first time it is asked for)."""
    from valuecrm.delivery.actions import create_order
    from valuecrm.delivery.models import Order

    return Order.objects.filter(contract=r.contract).first() or create_order(
        actor=r.contract.owner, data={"number": f"SO-{r.contract.number}",
                                      "contract_id": r.contract.pk, "quantity": Decimal(2)})


def initiative_of(r):
    """The rep's initiative (launching next month, so nothing is measured yet)."""
    from valuecrm.value.actions import create_initiative
    from valuecrm.value.models import Initiative

    owner = r.contract.owner
    return Initiative.objects.filter(owner=owner).first() or create_initiative(
        actor=owner, name=f"改进 {owner.username}",
        launch_date=timezone.localdate() + timedelta(days=30),
        metrics={"contract_amount": "0.1"})


# name -> how to build its arguments from a rep's records ("own") ; None: no arguments.
PAGES = {
    "home": None, "logout": None, "profile": None, "token_create": None,
    "token_revoke": lambda r: {"pk": 999999},
    "lead_list": None, "customer_list": None, "contact_list": None,
    "opportunity_list": None, "contract_list": None, "activity_list": None,
    "lead_create": None, "customer_create": None,
    "lead_detail": lambda r: {"pk": r.lead.pk},
    "lead_edit": lambda r: {"pk": r.lead.pk},
    "lead_convert": lambda r: {"pk": r.lead.pk},
    "customer_detail": lambda r: {"pk": r.customer.pk},
    "customer_edit": lambda r: {"pk": r.customer.pk},
    "contact_create": lambda r: {"customer_pk": r.customer.pk},
    "opportunity_create": lambda r: {"customer_pk": r.customer.pk},
    "contact_detail": lambda r: {"pk": r.contact.pk},
    "contact_edit": lambda r: {"pk": r.contact.pk},
    "opportunity_detail": lambda r: {"pk": r.opportunity.pk},
    "opportunity_edit": lambda r: {"pk": r.opportunity.pk},
    "opportunity_move": lambda r: {"pk": r.opportunity.pk},
    "contract_detail": lambda r: {"pk": r.contract.pk},
    "activity_create": lambda r: {"target": "customer", "pk": r.customer.pk},
    "kanban": None,
    "lead_bulk": None, "customer_bulk": None,
    "saved_view_create": lambda r: {"kind": "leads"},
    "saved_view_delete": lambda r: {"pk": 999999},
    "customer_release": lambda r: {"pk": r.customer.pk},
    "pool_list": None,
    "pool_claim": lambda r: {"pk": 999999},
    "search": None,
    "duplicate_check": lambda r: {"kind": "lead"},
    "notification_list": None,
    "notification_read": lambda r: {"pk": 999999},
    "notification_read_all": None,
    "import_start": None,
    "import_map": lambda r: {"token": "0" * 32},
    "import_progress": lambda r: {"token": "0" * 32},
    "import_result": lambda r: {"pk": 999999},
    "import_errors": lambda r: {"pk": 999999},
    "export": lambda r: {"kind": "leads"},
    "metrics_explorer": None, "metrics_targets": None, "metrics_trees": None,
    "metrics_funnel": None, "channel_scorecard": None,
    "value_report": None,
    "list_columns": lambda r: {"kind": "lead"},
    "order_list": None, "supplier_list": None,
    "order_detail": lambda r: {"pk": order_of(r).pk},
    "order_move": lambda r: {"pk": order_of(r).pk},
    "order_edit": lambda r: {"pk": order_of(r).pk},
    "order_create": None,
    "approval_inbox": None,
    "approval_detail": lambda r: {"pk": 999999},
    "approval_decide": lambda r: {"pk": 999999},
    "process_view": None, "quality_page": None, "usage_page": None,
    "initiative_list": None, "requirement_list": None, "initiative_create": None,
    "initiative_detail": lambda r: {"pk": initiative_of(r).pk},
    "segment_list": None, "segment_preview": None, "campaign_list": None,
    "campaign_create": None,
    "campaign_detail": lambda r: {"pk": 999999}, "review_queue": None,
    "submission_image": lambda r: {"pk": 999999},
    "submission_decide": lambda r: {"pk": 999999},
}
# Pages whose arguments are not one of a rep's records (their scope is tested with the
# page's own tests: test_pool, test_dataio, test_notifications, test_saved_views,
# web/tests/test_scrm).
NOT_RECORD_ARGS = {"token_revoke", "saved_view_create", "saved_view_delete", "pool_claim",
                   "duplicate_check", "notification_read", "import_map", "import_result",
                   "import_errors", "export", "list_columns", "approval_detail", "import_progress",
                   "approval_decide", "campaign_detail", "submission_image", "submission_decide"}
# Pages about one record: another rep opening them must get 404.
RECORD_PAGES = {name for name, args in PAGES.items()
                if args is not None and name not in NOT_RECORD_ARGS}


def web_url_names() -> set[str]:
    return {p.name for p in web_urls.urlpatterns if p.name}


def test_every_page_is_listed_here():
    assert web_url_names() - PUBLIC == set(PAGES), "add the new page to PAGES"
    assert get_resolver().reverse_dict  # the project's URLs import


def _url(name, records, owner="rep_a"):
    build = PAGES[name]
    return reverse(f"web:{name}", kwargs=build(records[owner]) if build else None)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_people_are_sent_to_sign_in(records, client, name):
    url = _url(name, records)
    for method in (client.get, client.post):
        response = method(url)
        if name == "logout" and method == client.get:
            assert response.status_code == 405
            continue
        if name == "logout":
            continue  # signing out while signed out just lands on the sign-in page
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith("/login/?next="), name


@pytest.mark.parametrize("name", sorted(RECORD_PAGES))
def test_another_reps_record_pages_answer_404(records, org, client, name):
    client.force_login(org.rep_a)
    url = _url(name, records, owner="rep_b")
    assert client.get(url).status_code in (404, 405), name
    assert client.post(url).status_code == 404, name


@pytest.mark.parametrize("name", sorted(RECORD_PAGES))
def test_own_record_pages_open(records, org, client, name):
    client.force_login(org.rep_a)
    response = client.get(_url(name, records))
    assert response.status_code in (200, 405), name
