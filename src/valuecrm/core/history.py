"""Reading a record's history (kept by django-simple-history) as field-level changes."""

_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _text(value) -> str | None:
    return None if value is None else str(value)


def record_history(obj) -> list[dict]:
    """Oldest first: who did what when, and for changes which fields went from what to what."""
    rows = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    entries, previous = [], None
    for row in rows:
        changes = []
        if previous is not None:
            delta = row.diff_against(previous)
            changes = [
                {"field": c.field, "old": _text(c.old), "new": _text(c.new)} for c in delta.changes
            ]
        entries.append({
            "at": row.history_date,
            "actor": str(row.history_user) if row.history_user else None,
            "actor_id": row.history_user_id,
            "action": _TYPES.get(row.history_type, row.history_type),
            "reason": row.history_change_reason,
            "changes": changes,
        })
        previous = row
    return entries


REASON_LENGTH = 100  # django-simple-history's history_change_reason column


def history_reason(text: str) -> str:
    """`text` cut to fit the history's reason column (longer text fails on PostgreSQL)."""
    from django.utils.text import Truncator

    return Truncator(text).chars(REASON_LENGTH)
