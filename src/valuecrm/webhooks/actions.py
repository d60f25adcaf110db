"""Emitting record events and delivering them to subscribers.

`emit` is called explicitly by the domain actions (no signals). It stores one delivery per
interested subscription in the caller's transaction, so an event exists exactly when the
change it reports was committed; the worker sends it afterwards, signed, with retries.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from valuecrm.webhooks.models import Delivery, Subscription

# Waits before the 2nd, 3rd, ... attempt; after the last the delivery is marked failed.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12)]
TIMEOUT_SECONDS = 10


def emit(event: str, payload: dict) -> int:
    """Queue `event` for every active subscription that wants it. Returns how many."""
    subscriptions = [s for s in Subscription.objects.filter(is_active=True) if s.wants(event)]
    if not subscriptions:
        return 0
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    Delivery.objects.bulk_create(
        [Delivery(subscription=s, event=event, payload=body) for s in subscriptions]
    )
    transaction.on_commit(_kick_worker)
    return len(subscriptions)


def _kick_worker() -> None:
    from valuecrm.webhooks.tasks import deliver_webhooks_task

    deliver_webhooks_task.enqueue()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(delivery: Delivery) -> tuple[int | None, str]:
    body = json.dumps(
        {"event": delivery.event, "delivery": delivery.pk,
         "created_at": delivery.created_at.isoformat(), "data": delivery.payload},
        ensure_ascii=False,
    ).encode()
    request = urllib.request.Request(
        delivery.subscription.url, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "User-Agent": "ValueCRM-Webhooks/1",
                 "X-ValueCRM-Event": delivery.event,
                 "X-ValueCRM-Delivery": str(delivery.pk),
                 "X-ValueCRM-Signature": sign(delivery.subscription.secret, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def deliver_due(*, now=None, limit: int = 200) -> dict[str, int]:
    """Send the deliveries that are due; reschedule failures with backoff."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    for delivery in due.select_related("subscription").order_by("next_attempt_at")[:limit]:
        code, error = _post(delivery)
        delivery.attempts += 1
        delivery.last_status_code = code
        delivery.last_error = error
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, timezone.now()
            counts["delivered"] += 1
        elif delivery.attempts > len(BACKOFF):
            delivery.status = Delivery.Status.FAILED
            counts["failed"] += 1
        else:
            delivery.next_attempt_at = timezone.now() + BACKOFF[delivery.attempts - 1]
            counts["retrying"] += 1
        delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status",
                                     "delivered_at", "next_attempt_at"])
    return counts


def next_due_at():
    return (Delivery.objects.filter(status=Delivery.Status.PENDING)
            .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())
