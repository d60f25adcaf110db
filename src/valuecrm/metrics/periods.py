"""Calendar periods: truncation to a grain, shifting by whole periods, spans of dates."""

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from valuecrm.core.errors import ValidationError

GRAINS = ("day", "week", "month", "quarter", "year")


def trunc(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def add(day: date, grain: str, n: int) -> date:
    """`day` moved by n periods; month-based grains keep the day of month where it exists."""
    if grain == "day":
        return day + timedelta(days=n)
    if grain == "week":
        return day + timedelta(weeks=n)
    months = n * {"month": 1, "quarter": 3, "year": 12}[grain]
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Span:
    """Dates `start`..`end` inclusive, cut into periods of `grain` (None: one period)."""

    start: date
    end: date
    grain: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def periods(self) -> list[date]:
        if self.grain is None:
            return [self.start]
        result, current = [], trunc(self.start, self.grain)
        while current <= self.end:
            result.append(current)
            current = add(current, self.grain, 1)
        return result

    def key(self, day: date) -> date:
        return self.start if self.grain is None else trunc(day, self.grain)

    def shift_key(self, key: date, n: int) -> date:
        if self.grain is None:
            return key + timedelta(days=n * self.days)
        return add(key, self.grain, n)

    def shifted(self, n: int) -> "Span":
        """The same span n periods later (earlier if n < 0)."""
        if self.grain is None:
            delta = timedelta(days=n * self.days)
            return replace(self, start=self.start + delta, end=self.end + delta)
        return replace(self, start=add(self.start, self.grain, n),
                       end=add(self.end, self.grain, n))

    def period_span(self, key: date) -> "Span":
        """The dates of one period of this span (clipped to the span)."""
        if self.grain is None:
            return replace(self, grain=None)
        end = add(key, self.grain, 1) - timedelta(days=1)
        return Span(max(key, self.start), min(end, self.end), None)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")


def parse_period(text: str) -> Span:
    """2025, 2025-03, 2025-Q1, or FROM..TO (ISO dates, inclusive)."""
    if ".." in text:
        start, end = text.split("..", 1)
        try:
            return Span(date.fromisoformat(start), date.fromisoformat(end))
        except ValueError:
            raise ValidationError({"period": [f"Not a date range: {text!r}."]}) from None
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValidationError({"period": [
            f"Not a period: {text!r} (2025, 2025-03, 2025-Q1 or A..B)."]})
    year, month, quarter = match.groups()
    if month:
        start, grain = date(int(year), int(month), 1), "month"
    elif quarter:
        start, grain = date(int(year), 3 * int(quarter) - 2, 1), "quarter"
    else:
        start, grain = date(int(year), 1, 1), "year"
    return Span(start, add(start, grain, 1) - timedelta(days=1))
