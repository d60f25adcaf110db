"""Subscribers receive signed JSON POSTs on record events, with retries and a log.

A real HTTP server on 127.0.0.1 plays the subscriber."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from valuecrm.crm.actions import create_lead
from valuecrm.sales.actions import update_opportunity
from valuecrm.sales.models import Stage
from valuecrm.webhooks.actions import deliver_due, sign
from valuecrm.webhooks.models import Delivery, Subscription


class Receiver:
    def __init__(self):
        self.requests: list = []  # (headers, body); headers match case-insensitively
        self.statuses: list[int] = []  # answers to give, in order; then 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.headers, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def subscription(db, receiver):
    return Subscription.objects.create(name="ERP", url=receiver.url, secret="s3cret",
                                       events=["lead.created", "opportunity.won"])


def test_a_new_lead_is_posted_signed_to_subscribers(org, subscription, receiver):
    lead = create_lead(actor=org.rep_a, data={"name": "郭靖", "company_name": "桃花岛"})
    assert deliver_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    headers, body = receiver.requests[0]
    assert headers["X-ValueCRM-Event"] == "lead.created"
    assert headers["X-ValueCRM-Signature"] == sign("s3cret", body)
    message = json.loads(body)
    assert message["data"]["id"] == lead.pk and message["data"]["company_name"] == "桃花岛"
    assert Delivery.objects.get().status == "delivered"


def test_only_subscribed_events_are_sent(org, records, subscription, receiver):
    deal = records["rep_a"].opportunity
    Delivery.objects.all().delete()
    update_opportunity(actor=org.rep_a, pk=deal.pk,
                       changes={"stage_id": Stage.objects.get(outcome="won").pk})
    assert list(Delivery.objects.values_list("event", flat=True)) == ["opportunity.won"]


def test_failures_are_retried_with_backoff_then_given_up(org, subscription, receiver):
    receiver.statuses = [500] * 10
    create_lead(actor=org.rep_a, data={"name": "黄蓉"})
    assert deliver_due()["retrying"] == 1
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    assert delivery.next_attempt_at > timezone.now()
    assert deliver_due()["delivered"] == 0  # not due yet
    for _ in range(10):
        deliver_due(now=timezone.now() + timedelta(days=2))
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 6


def test_an_unreachable_subscriber_is_logged(org, db):
    Subscription.objects.create(name="down", url="http://127.0.0.1:9/none", secret="x",
                                events=["*"])
    create_lead(actor=org.rep_a, data={"name": "欧阳锋"})
    deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.last_status_code is None and delivery.last_error


def test_subscriptions_are_for_administrators(org, subscription, api):
    assert api(org.rep_a).get("webhooks").json()["count"] == 0
    assert api(org.rep_a).get(f"webhooks/{subscription.pk}/deliveries").status_code == 404
    listed = api(org.admin).get("webhooks").json()
    assert listed["count"] == 1 and "secret" not in listed["items"][0]
    bad = api(org.admin).post("webhooks", {"name": "x", "url": "http://127.0.0.1/x",
                                           "secret": "k", "events": ["lead.exploded"]})
    assert bad.status_code == 422 and "events" in bad.json()["errors"]
