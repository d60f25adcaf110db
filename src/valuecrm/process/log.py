"""An event log held in columns: integer-coded cases and activities and microsecond times
in numpy arrays, so that a million events take a few dozen megabytes and every analysis
is a handful of vectorised passes.

Readers (files, the system's own sources) feed a `LogBuilder` one event at a time; the
builder interns names and appends to compact arrays, and `build()` orders the events by
case, then time, then arrival order (so simultaneous events keep the order they were
recorded in, as PM4Py's stable sort does).
"""

from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.metrics.funnels import parse_time

MICROS = 1_000_000
COMPLETE = "complete"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICRO = timedelta(microseconds=1)


@dataclass(frozen=True)
class Columns:
    """Where the event fields are. For CSV these are column headers (case, activity and
    timestamp required); for XES attribute keys, defaulting to the standard extensions.
    With `lifecycle`, only events whose transition is `complete` (or empty) count.
    `attributes` are case attributes to keep (for comparisons and risk factors)."""

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    resource: str | None = None
    lifecycle: str | None = None
    attributes: tuple[str, ...] = ()


class BadTimestamp(ValueError):
    """A timestamp that cannot be read; the caller adds where it was."""


def parse_micros(value) -> int:
    """Microseconds since the epoch of a timestamp given as an aware or naive datetime or
    as text (ISO 8601 with or without an offset, or the day-first formats the funnel reads).
    Naive times are in the installation's time zone."""
    if isinstance(value, str):
        try:  # the common case first: ISO 8601 with an offset
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return (parsed - EPOCH) // ONE_MICRO
        except ValueError:
            pass
        if not value.strip():
            raise BadTimestamp(_("the timestamp is empty"))
        try:
            value = parse_time(value)
        except ValueError:
            raise BadTimestamp(_("%(value)r is not a timestamp (write e.g. "
                                 "2025-03-01 09:30:00+08:00)") % {"value": value}) from None
    elif value is None:
        raise BadTimestamp(_("the timestamp is empty"))
    elif not isinstance(value, datetime):
        raise BadTimestamp(_("%(value)r is not a timestamp") % {"value": value})
    elif value.tzinfo is None:
        value = timezone.make_aware(value)
    # Integer arithmetic, exact for any date (float seconds lose microseconds centuries
    # away from 1970), and equal to what the vectorised reader in `isotime` computes.
    return (value - EPOCH) // ONE_MICRO


def timestamp_error(where: str, exc: BadTimestamp) -> ValidationError:
    return ValidationError({"timestamp": [f"{where}: {exc}."]})


@dataclass
class EventLog:
    """Events ordered by case, time and arrival. `case_starts[i]` is the index of case i's
    first event (plus a final entry = number of events); `case_attributes` maps an
    attribute name to one value per case (None when the case has none)."""

    case: np.ndarray
    activity: np.ndarray
    time: np.ndarray
    case_names: list[str]
    activity_names: list[str]
    case_starts: np.ndarray
    resource: np.ndarray | None = None
    resource_names: list[str] = field(default_factory=list)
    case_attributes: dict[str, list] = field(default_factory=dict)
    skipped: int = 0

    @property
    def events(self) -> int:
        return len(self.case)

    @property
    def cases(self) -> int:
        return len(self.case_names)

    def select_cases(self, keep: np.ndarray) -> "EventLog":
        """The log restricted to the cases where the boolean array `keep` is true."""
        new_code = np.cumsum(keep) - 1
        events = keep[self.case]
        kept = np.flatnonzero(keep)
        counts = np.diff(self.case_starts)[kept]
        return EventLog(
            case=new_code[self.case[events]].astype(np.int32),
            activity=self.activity[events], time=self.time[events],
            case_names=[self.case_names[i] for i in kept],
            activity_names=self.activity_names,
            case_starts=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            resource=None if self.resource is None else self.resource[events],
            resource_names=self.resource_names,
            case_attributes={name: [values[i] for i in kept]
                             for name, values in self.case_attributes.items()},
        )


@dataclass
class Coded:
    """A column of names as its distinct names (in order of first appearance) and, per
    row, the index of the row's name among them."""

    names: list[str]
    codes: np.ndarray

    @classmethod
    def of(cls, values: list[str]) -> "Coded":
        names = list(dict.fromkeys(values))  # distinct, in order, at C speed
        index = {name: i for i, name in enumerate(names)}
        return cls(names, np.fromiter(map(index.__getitem__, values), dtype=np.int32,
                                      count=len(values)))

    def values(self) -> list[str]:
        return [self.names[code] for code in self.codes.tolist()]


def _intern(codes: dict[str, int], column: Coded) -> np.ndarray:
    """The builder's codes for a column's rows; new names numbered in order of first
    appearance."""
    # len(codes) is evaluated before setdefault inserts: a new name gets the next code.
    known = np.array([codes.setdefault(name, len(codes)) for name in column.names],
                     dtype=np.int32)
    return known[column.codes]


class LogBuilder:
    """Collects events one at a time (names interned to integer codes) and case attributes
    (the first non-empty value per case wins)."""

    def __init__(self):
        self._cases: dict[str, int] = {}
        self._activities: dict[str, int] = {}
        self._case = array("i")
        self._activity = array("i")
        self._time = array("q")
        self._resources: dict[str, int] = {}
        self._resource = array("i")
        self._attributes: dict[str, dict[int, object]] = {}
        self.skipped = 0

    def add(self, case: str, activity: str, micros: int, resource: str | None = None) -> int:
        """Append one event; returns the case's code (for `set_attribute`). Give a resource
        for every event or for none."""
        code = self._cases.get(case)
        if code is None:
            code = self._cases[case] = len(self._cases)
        act = self._activities.get(activity)
        if act is None:
            act = self._activities[activity] = len(self._activities)
        self._case.append(code)
        self._activity.append(act)
        self._time.append(micros)
        if resource is not None:
            res = self._resources.get(resource)
            if res is None:
                res = self._resources[resource] = len(self._resources)
            self._resource.append(res)
        return code

    def add_many(self, cases: Coded, activities: Coded, micros: np.ndarray,
                 resources: Coded | None = None) -> np.ndarray:
        """Append many events at once (the fast path of the file readers); returns their
        case codes."""
        codes = _intern(self._cases, cases)
        self._case.frombytes(codes.tobytes())
        self._activity.frombytes(_intern(self._activities, activities).tobytes())
        self._time.frombytes(micros.astype(np.int64).tobytes())
        if resources is not None:
            self._resource.frombytes(_intern(self._resources, resources).tobytes())
        return codes

    def case_code(self, case: str) -> int:
        code = self._cases.get(case)
        if code is None:
            code = self._cases[case] = len(self._cases)
        return code

    def set_attribute(self, case_code: int, name: str, value) -> None:
        if value is None or value == "":
            return
        self._attributes.setdefault(name, {}).setdefault(case_code, value)

    def __len__(self) -> int:
        return len(self._time)

    def build(self) -> EventLog:
        if not self._time:
            raise ValidationError({"file": [_("The log has no events.")]})
        case = np.frombuffer(self._case, dtype=np.int32)
        activity = np.frombuffer(self._activity, dtype=np.int32)
        time = np.frombuffer(self._time, dtype=np.int64)
        # Cases that only had attributes (no events) are dropped by renumbering.
        present = np.zeros(len(self._cases), dtype=bool)
        present[case] = True
        names = list(self._cases)
        order = np.lexsort((time, case))  # lexsort is stable: ties keep arrival order
        case, activity, time = case[order], activity[order], time[order]
        resource = None
        if len(self._resource) == len(order):
            resource = np.frombuffer(self._resource, dtype=np.int32)[order]
        counts = np.bincount(case, minlength=len(names))[present]
        new_code = np.cumsum(present) - 1
        kept = np.flatnonzero(present)
        return EventLog(
            case=new_code[case].astype(np.int32), activity=activity.copy(), time=time.copy(),
            case_names=[names[i] for i in kept], activity_names=list(self._activities),
            case_starts=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            resource=resource, resource_names=list(self._resources),
            case_attributes={name: [values.get(i) for i in kept]
                             for name, values in self._attributes.items()},
            skipped=self.skipped,
        )
