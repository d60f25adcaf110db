"""The write path of usage events: an in-process buffer written in batches.

Recording an event appends a tuple to a list (microseconds); every USAGE_FLUSH_EVERY events
or USAGE_FLUSH_SECONDS seconds, whichever comes first, the request that crosses the line
writes the batch with one bulk INSERT (plus one for the active-day markers). A normal exit
writes what is left (`apps.py` registers `flush` with atexit). Chosen over Redis because it
needs nothing the embedded install lacks; the cost is that a killed process (SIGKILL, power
loss) loses at most one unflushed batch, which usage statistics can afford.

A failed write (database away) puts the batch back, up to USAGE_BUFFER_MAX events, and is
retried with the next flush: tracking never fails the request it measures.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The session of the request being served, so that domain actions tracked during it carry
# the same session as its page view or API call.
current_session: ContextVar[str] = ContextVar("usage_session", default="")

_lock = threading.Lock()
_pending: list[tuple] = []
_last_flush = time.monotonic()


def enabled() -> bool:
    return settings.USAGE_TRACKING


def record(*, user_id: int, unit_id: int | None, feature: str, action: str, at=None,
           duration_ms: int | None = None, session: str | None = None) -> None:
    global _last_flush
    if not enabled():
        return
    event = (user_id, unit_id, feature[:64], action[:32], at or timezone.now(),
             duration_ms, current_session.get() if session is None else session)
    with _lock:
        _pending.append(event)
        now = time.monotonic()
        due = (len(_pending) >= settings.USAGE_FLUSH_EVERY
               or now - _last_flush >= settings.USAGE_FLUSH_SECONDS)
    if due:
        flush()


def pending() -> int:
    with _lock:
        return len(_pending)


def flush() -> int:
    """Write every buffered event; returns how many were written."""
    global _last_flush
    with _lock:
        batch = list(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return 0
    try:
        write(batch)
    except Exception:
        logger.exception("usage: writing %d events failed; kept for the next flush", len(batch))
        with _lock:
            _pending[:0] = batch
            del _pending[:max(0, len(_pending) - settings.USAGE_BUFFER_MAX)]
        return 0
    return len(batch)


def write(batch: list[tuple]) -> None:
    from valuecrm.usage.models import UsageDay, UsageEvent

    events, days = [], {}
    for user_id, unit_id, feature, action, at, duration_ms, session in batch:
        events.append(UsageEvent(user_id=user_id, unit_id=unit_id, feature=feature,
                                 action=action, occurred_at=at, duration_ms=duration_ms,
                                 session=session))
        days.setdefault((user_id, timezone.localdate(at)), unit_id)
    # A savepoint, so a failure inside someone else's transaction is contained here.
    with transaction.atomic():
        UsageEvent.objects.bulk_create(events)
        UsageDay.objects.bulk_create(
            [UsageDay(user_id=u, day=d, unit_id=unit) for (u, d), unit in days.items()],
            ignore_conflicts=True,
        )


def discard() -> None:
    """Drop buffered events without writing them (tests)."""
    with _lock:
        _pending.clear()
