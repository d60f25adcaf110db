"""Funnels over an event log (rows of entity, event name, time), e.g. exported from a
marketing tool.

Rules: an attempt starts at each occurrence of the first step; it reaches step k if the
entity did steps 2..k in order after it, each within the window measured from that first
step. In `ordered` mode other events may come in between; in `strict` mode the next event
of the entity must be the next step. An entity counts with its best attempt (the most
steps; the earliest among equals), so a later incomplete attempt never replaces a complete
one. Times between steps are those of the best attempt.
"""

import csv
import re
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from valuecrm.core.errors import ValidationError

_WINDOW = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S")


def parse_window(text: str, field: str = "window") -> timedelta:
    """A duration written as a number and a unit (14d, 36h); errors are keyed by `field`."""
    match = _WINDOW.match(str(text).strip().lower())
    if not match:
        raise ValidationError({field: [f"Write the {field} as a number and s, m, h, d or "
                                       f"w, e.g. 14d, not {text!r}."]})
    return timedelta(seconds=int(match[1]) * _UNITS[match[2]])


def parse_time(text: str) -> datetime:
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _FORMATS:
            try:
                value = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"unreadable time {text!r}") from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


@dataclass(frozen=True)
class Event:
    time: datetime
    index: int
    name: str


def read_events(path, entity: str, event: str, time: str) -> dict[str, list[Event]]:
    """Events per entity from a CSV file, sorted by time (then by their order in the file)."""
    by_entity: dict[str, list[Event]] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (entity, event, time) if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError({"columns": [f"No column {c!r} in {path} (columns: "
                                               f"{', '.join(reader.fieldnames or [])})."
                                               for c in missing]})
        for line, row in enumerate(reader, start=2):
            if not row[entity] or not row[time]:
                continue
            try:
                when = parse_time(row[time])
            except ValueError as exc:
                raise ValidationError({"time": [f"line {line}: {exc}"]}) from None
            by_entity.setdefault(row[entity], []).append(Event(when, line, row[event]))
    for events in by_entity.values():
        events.sort(key=lambda e: (e.time, e.index))
    return by_entity


def best_attempt(events: list[Event], steps: list[str], window: timedelta, strict: bool,
                 start=None, end=None) -> list[datetime]:
    """Times of the steps reached by the entity's best attempt ([] if none started)."""
    best: list[datetime] = []
    for i, first in enumerate(events):
        if first.name != steps[0]:
            continue
        if (start and first.time < start) or (end and first.time >= end):
            continue
        reached = [first.time]
        for later in events[i + 1:]:
            if len(reached) == len(steps) or later.time - first.time > window:
                break
            if later.name == steps[len(reached)]:
                reached.append(later.time)
            elif strict:
                break
        if len(reached) > len(best):
            best = reached
        if len(best) == len(steps):
            break
    return best


def event_funnel(by_entity: dict[str, list[Event]], steps: list[str], window: timedelta,
                 order: str = "ordered", start=None, end=None) -> dict:
    if len(steps) < 2 or len(set(steps)) != len(steps):
        raise ValidationError({"steps": ["Give at least two different steps."]})
    if order not in ("ordered", "strict"):
        raise ValidationError({"order": ["Use ordered or strict."]})
    attempts = [best_attempt(events, steps, window, order == "strict", start, end)
                for events in by_entity.values()]
    attempts = [a for a in attempts if a]
    result, first = [], len(attempts)
    for k, step in enumerate(steps):
        reached = [a for a in attempts if len(a) > k]
        row = {"step": step, "count": len(reached),
               "conversion_from_previous": (len(reached) / result[-1]["count"]
                                            if result and result[-1]["count"] else None),
               "conversion_from_start": len(reached) / first if first else None,
               "mean_seconds": None, "median_seconds": None}
        if k and reached:
            seconds = [(a[k] - a[k - 1]).total_seconds() for a in reached]
            row["mean_seconds"] = statistics.fmean(seconds)
            row["median_seconds"] = statistics.median(seconds)
        result.append(row)
    return {"steps": result, "entities": first, "order": order,
            "window_seconds": window.total_seconds()}
