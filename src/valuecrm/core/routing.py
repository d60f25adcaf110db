"""Analytics reads on a read replica.

Reports (metrics, trees, process analysis, value reports) read much and write little;
on a replica they cannot slow down the daily work on the primary. The code that computes
them runs inside `analytics_reads()` (a context manager and decorator); while it runs, the
router sends ORM reads to the `ANALYTICS_DATABASE` alias when the settings name one
(`ANALYTICS_DATABASE_URL` set), and to `default` otherwise. Writes always go to `default`
(a replica refuses them), also inside the block, and migrations only run there.

Replication lags: a report may miss the last seconds of changes, which is fine for
numbers over days and months. Code that must read its own writes does not run inside
`analytics_reads()`.
"""

from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings

DEFAULT = "default"
_analytics = ContextVar("analytics_reads", default=False)


class analytics_reads(ContextDecorator):  # noqa: N801 - used like contextlib's helpers
    """Send this block's ORM reads to the analytics database (when there is one)."""

    def _recreate_cm(self):
        return type(self)()  # a fresh token holder per decorated call (threads, recursion)

    def __enter__(self):
        self._token = _analytics.set(True)
        return self

    def __exit__(self, *exc):
        _analytics.reset(self._token)
        return False


def analytics_alias() -> str:
    """Where analytics reads go: the replica's alias, or `default` without one."""
    return getattr(settings, "ANALYTICS_DATABASE", None) or DEFAULT


class AnalyticsRouter:
    def db_for_read(self, model, **hints):
        return analytics_alias() if _analytics.get() else None

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT
