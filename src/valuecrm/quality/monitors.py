"""Data-quality monitors: declared rules, their pass rates over time and by team, owner or
supplier, and the records that fail them.

Rules are declared in YAML (`quality/monitors.yaml`, plus `monitors.yaml` in the
organisation's metrics folder, which may add rules or replace shipped ones by key), like
the metric catalog: they are reviewed configuration, validated when loaded, and each names
the catalog metric that tracks the same rate. Every rate is one grouped query from
`Model.objects.visible_to(user)`: `COUNT(*)` and `COUNT(*) FILTER (passes)` per group.
"""

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.metrics import dimensions
from valuecrm.metrics.catalog import Label, get_catalog, org_dir
from valuecrm.metrics.engine import time_range_q
from valuecrm.metrics.fields import compile_filter
from valuecrm.metrics.periods import GRAINS, Span, trunc

SHIPPED = Path(__file__).resolve().parent / "monitors.yaml"


class MonitorError(ValueError):
    pass


class Monitor(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    model: str
    field: str
    check: Literal["required", "format", "freshness", "unique"]
    pattern: str | None = None
    days: int | None = Field(None, ge=1)
    population: dict[str, Any] = {}
    time_field: str
    by: list[str] = []
    target: float = Field(1.0, ge=0, le=1)
    metric: str | None = None

    @property
    def model_class(self):
        return dimensions.get_model(self.model)

    def passes(self) -> Q:
        """The condition a record meets when it passes the rule."""
        name = self.field
        if self.check == "required":
            return Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})
        if self.check == "format":
            return Q(**{f"{name}__regex": self.pattern})
        if self.check == "freshness":
            # Local midnight N days ago, as the `$today-Nd` of the matching metric.
            day = timezone.localdate() - timedelta(days=self.days)
            return Q(**{f"{name}__gte": timezone.make_aware(datetime.combine(day, time.min))})
        twins = self.model_class._base_manager.filter(**{name: OuterRef(name)}).exclude(
            pk=OuterRef("pk"))
        return Q(~Exists(twins))

    def applies(self) -> Q:
        q = compile_filter(self.population, {})
        if self.check == "unique":
            q &= Q(**{f"{self.field}__isnull": False}) & ~Q(**{self.field: ""})
        return q


def _validate(monitor: Monitor, source) -> None:
    def fail(field, message):
        raise MonitorError(f"{source}: monitor {monitor.key!r}: field {field!r}: {message}")

    if monitor.model not in dimensions.MODEL_PATHS:
        fail("model", f"unknown model {monitor.model!r}")
    model = monitor.model_class
    for field in ("field", "time_field"):
        try:
            model._meta.get_field(getattr(monitor, field).split("__")[0])
            str(model._default_manager.order_by(getattr(monitor, field)).query)
        except (FieldDoesNotExist, FieldError) as exc:
            fail(field, str(exc).split("\n")[0])
    if monitor.check == "format":
        try:
            re.compile(monitor.pattern or "")
        except re.error as exc:
            fail("pattern", f"not a regular expression: {exc}")
        if not monitor.pattern:
            fail("pattern", "a format rule needs a pattern")
    if monitor.check == "freshness" and not monitor.days:
        fail("days", "a freshness rule needs days")
    try:
        str(model._default_manager.filter(monitor.applies()).query)
    except (FieldError, ValueError, TypeError) as exc:
        fail("population", str(exc).split("\n")[0])
    supported = dimensions.model_dimensions(monitor.model)
    for dim in monitor.by:
        if dim not in supported:
            fail("by", f"unknown dimension {dim!r} (possible: {', '.join(sorted(supported))})")
    if monitor.metric and monitor.metric not in get_catalog().metrics:
        fail("metric", f"unknown metric {monitor.metric!r}")


def load_monitors(files: list[Path]) -> dict[str, Monitor]:
    monitors: dict[str, Monitor] = {}
    for path in files:
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise MonitorError(f"{path}: not valid YAML: {exc}") from None
        seen = set()
        for raw in data.get("monitors") or []:
            try:
                monitor = Monitor.model_validate(raw)
            except PydanticError as exc:
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"])
                raise MonitorError(f"{path}: monitor {raw.get('key')!r}: field {where!r}: "
                                   f"{error['msg']}") from None
            if monitor.key in seen:
                raise MonitorError(f"{path}: monitor {monitor.key!r}: defined twice")
            seen.add(monitor.key)
            _validate(monitor, path)
            monitors[monitor.key] = monitor
    return monitors


@lru_cache(maxsize=1)
def get_monitors() -> dict[str, Monitor]:
    return load_monitors([SHIPPED, org_dir() / "monitors.yaml"])


def get_monitor(key: str) -> Monitor:
    monitor = get_monitors().get(key)
    if monitor is None:
        raise NotFound(_("No data-quality monitor %(key)s.") % {"key": key},
                       code="unknown_monitor")
    return monitor


def _scoped(user, monitor: Monitor, start: date, end: date):
    model = monitor.model_class
    if end < start:
        raise ValidationError({"to": [_("The end is before the start.")]})
    return (model._default_manager.visible_to(user).filter(monitor.applies())
            .filter(time_range_q(model, monitor.time_field, Span(start, end, None))))


def _rate(records: int, passing: int, target: float) -> dict:
    rate = round(passing / records, 4) if records else None
    return {"records": records, "passing": passing, "failing": records - passing,
            "rate": rate, "meets_target": None if rate is None else rate >= target}


def monitor_rates(user, key: str, *, start: date, end: date, grain: str | None = None,
                  by: str | None = None) -> dict:
    """The monitor's pass rate over the caller's records in the span: in total, and by
    period (`grain`) and/or one dimension (`by`), each against the target."""
    monitor = get_monitor(key)
    if grain is not None and grain not in GRAINS:
        raise ValidationError({"grain": [_("Choose one of: %(g)s.") % {"g": ", ".join(GRAINS)}]})
    if by is not None and by not in monitor.by:
        raise ValidationError({"by": [_("Choose one of: %(d)s.") % {"d": ", ".join(monitor.by)}]})
    qs = _scoped(user, monitor, start, end)
    counts = {"records": Count("pk"), "passing": Count("pk", filter=monitor.passes())}
    total = qs.aggregate(**counts)
    groups = {}
    if grain:
        groups["_period"] = Trunc(monitor.time_field, grain)
    if by:
        path = dimensions.group_expression(monitor.model, by)
        groups["_group"] = F(path) if isinstance(path, str) else path
    rows = []
    if groups:
        result = qs.annotate(**groups).values(*groups).annotate(**counts).order_by(*groups)
        labels = dimensions.labels(monitor.model, by, [r["_group"] for r in result]) if by else {}
        for row in result:
            item = {}
            if grain:
                item["period"] = _period(row["_period"], grain)
            if by:
                item["group"] = row["_group"]
                item["label"] = labels.get(row["_group"], dimensions.none_label())
            rows.append({**item, **_rate(row["records"], row["passing"], monitor.target)})
    return {"monitor": monitor.key, "label": monitor.label.model_dump(),
            "model": monitor.model, "field": monitor.field, "check": monitor.check,
            "target": monitor.target, "metric": monitor.metric,
            "from": start, "to": end, "grain": grain, "by": by,
            "total": _rate(total["records"], total["passing"], monitor.target), "rows": rows}


def _period(value, grain) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return trunc(value, grain)


def offenders(user, key: str, *, start: date, end: date):
    """The caller's records in the span that fail the monitor, newest first: the list to
    follow up."""
    monitor = get_monitor(key)
    qs = _scoped(user, monitor, start, end)
    return qs.exclude(pk__in=qs.filter(monitor.passes()).values("pk")).order_by(
        f"-{monitor.time_field}", "-pk")


def summary(user, *, start: date, end: date) -> list[dict]:
    """Every monitor's total rate against its target (one query per monitor)."""
    return [{key: value for key, value in monitor_rates(user, k, start=start, end=end).items()
             if key in ("monitor", "label", "check", "target", "metric", "total")}
            for k in get_monitors()]
