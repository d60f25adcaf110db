"""The demo's calendar: the history window, the go-live day, working hours and seasonality.

Everything is relative to the anchor date, so the same seed and anchor give the same data;
the command anchors at today by default so the demo looks current.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from valuecrm.demo import params
from valuecrm.demo.params import AFTER, BEFORE, Era


@dataclass(frozen=True)
class Timeline:
    anchor: date

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    @property
    def start(self) -> date:
        return self.anchor - timedelta(days=params.HISTORY_DAYS)

    @property
    def go_live(self) -> date:
        return self.start + timedelta(days=params.HISTORY_DAYS // 2)

    @property
    def go_live_at(self) -> datetime:
        return datetime.combine(self.go_live, time(0), tzinfo=self.tz)

    @property
    def cutoff(self) -> datetime:
        """Nothing in the generated history happens at or after this moment."""
        return datetime.combine(self.anchor, time(0), tzinfo=self.tz)

    def era(self, when: datetime) -> Era:
        return AFTER if when >= self.go_live_at else BEFORE

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def days(self) -> Iterator[date]:
        for offset in range(params.HISTORY_DAYS):
            yield self.start + timedelta(days=offset)

    def leads_per_day(self, total: int) -> list[tuple[date, int]]:
        """`total` leads spread over the history by weekday, month and growth, exactly."""
        days = list(self.days())
        weights = [
            params.WEEKDAY_FACTOR[d.weekday()] * params.MONTH_FACTOR[d.month - 1]
            * (1 + params.GROWTH_OVER_HISTORY * i / len(days))
            for i, d in enumerate(days)
        ]
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        counts = [math.floor(x) for x in exact]
        # Largest remainders get the leftover leads, so the total is exact and deterministic.
        by_remainder = sorted(range(len(days)), key=lambda i: (counts[i] - exact[i], i))
        for i in by_remainder[: total - sum(counts)]:
            counts[i] += 1
        return list(zip(days, counts, strict=True))

    def working(self, when: datetime, rng: random.Random) -> datetime:
        """`when`, moved into the next working hours (09:00-18:30, Monday to Friday)."""
        local = when.astimezone(self.tz)
        if local.hour >= 19 or (local.hour == 18 and local.minute > 30):
            local = self.at(local.date() + timedelta(days=1), 9, rng.randrange(60))
        elif local.hour < 9:
            local = self.at(local.date(), 9, rng.randrange(60))
        while local.weekday() >= 5:
            local = self.at(local.date() + timedelta(days=1), 9, rng.randrange(60))
        return local

    def between(self, start: datetime, end: datetime, rng: random.Random) -> datetime:
        """A working-hours moment between `start` and `end` (not after `end` if it can be)."""
        moment = start + (end - start) * rng.random()
        moved = self.working(moment, rng)
        return moved if moved <= end else moment


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)
