"""API for the data-quality monitors: the rules, their rates and the failing records."""

from datetime import date

from ninja import Field, Query, Router, Schema

from valuecrm.metrics.queries import jsonable
from valuecrm.quality import monitors

router = Router(tags=["quality"])


class SpanQuery(Schema):
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")


class RatesQuery(SpanQuery):
    grain: str | None = None
    by: str | None = Field(None, description="One of the monitor's breakdowns")


@router.get("/quality/monitors", operation_id="list_quality_monitors",
            summary="Every monitor's rate over the span against its target")
def list_monitors(request, q: Query[SpanQuery]):
    return {"items": monitors.summary(request.auth, start=q.start, end=q.end)}


@router.get("/quality/monitors/{key}", operation_id="quality_monitor_rates",
            summary="A monitor's rate by period and by team, owner or supplier")
def monitor_rates(request, key: str, q: Query[RatesQuery]):
    return jsonable(monitors.monitor_rates(request.auth, key, start=q.start, end=q.end,
                                           grain=q.grain, by=q.by))


class OffendersQuery(SpanQuery):
    limit: int = Field(100, ge=1, le=1000)


@router.get("/quality/monitors/{key}/offenders", operation_id="quality_monitor_offenders",
            summary="The caller's records failing a monitor, to follow up")
def offenders(request, key: str, q: Query[OffendersQuery]):
    monitor = monitors.get_monitor(key)
    qs = monitors.offenders(request.auth, key, start=q.start, end=q.end)
    rows = list(qs[: q.limit])
    return {"monitor": key, "count": qs.count(), "items": [
        {"id": row.pk, "record": str(row), "value": _text(getattr(row, monitor.field)),
         "time": getattr(row, monitor.time_field)} for row in rows]}


def _text(value):
    return None if value is None else str(value)
