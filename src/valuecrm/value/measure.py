"""One catalog metric over one span, in the caller's scope, with what the statistics need:
the engine's value, the number of records behind it, the counts of a rate and the values
of a duration. Everything goes through the metric engine and its drill-down, so the report
shows exactly the numbers `valuecrm metrics show` and the metrics API show."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from valuecrm.metrics import dimensions
from valuecrm.metrics.catalog import ConversionMetric, RatioMetric, SimpleMetric, get_catalog
from valuecrm.metrics.engine import Ctx, Engine
from valuecrm.metrics.fields import compile_field
from valuecrm.metrics.periods import Span
from valuecrm.metrics.queries import drill_down

# Hours in one unit of a duration metric.
DURATION_UNITS = {"seconds": Decimal(1) / 3600, "minutes": Decimal(1) / 60,
                  "hours": Decimal(1), "days": Decimal(24)}
API = "/api/v1/metrics"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def is_rate(metric, catalog) -> bool:
    """A share of records (a conversion, or a ratio of two counts): tested as proportions."""
    if isinstance(metric, ConversionMetric):
        return True
    if not isinstance(metric, RatioMetric) or metric.unit != "ratio":
        return False
    parts = [catalog.metrics[metric.part(n).metric] for n in ("numerator", "denominator")]
    return all(isinstance(p, SimpleMetric) and p.agg == "count" for p in parts)


def is_duration(metric) -> bool:
    """A time per record (days from lead to win...): compared by median with an interval."""
    return (isinstance(metric, SimpleMetric) and metric.unit in DURATION_UNITS
            and metric.field is not None and metric.agg in ("avg", "median", "percentile"))


class Measurer:
    def __init__(self, user, org_unit=None, catalog=None):
        self.user = user
        self.catalog = catalog or get_catalog()
        self.engine = Engine(self.catalog)
        self.filters = {"org": org_unit.pk} if org_unit is not None else {}

    def value(self, metric, period: Period) -> Decimal | None:
        ctx = Ctx(self.user, period.span, (), tuple(sorted(self.filters.items())))
        series = self.engine.series(metric, ctx)
        return series.get((period.start, ()), self.engine._default(metric))

    def records(self, key: str, period: Period, part=None):
        return drill_down(user=self.user, key=key, start=period.start, end=period.end,
                          filters=self.filters, part=part, catalog=self.catalog)[1]

    def sample(self, metric, period: Period) -> int | None:
        """Records behind the number (for a ratio, its denominator's)."""
        if isinstance(metric, SimpleMetric | ConversionMetric):
            return self.records(metric.key, period).count()
        if isinstance(metric, RatioMetric):
            part = self.engine.part_metric(metric, "denominator")
            if isinstance(part, SimpleMetric):
                return self.records(metric.key, period, "denominator").count()
        return None

    def proportion(self, metric, period: Period) -> tuple[int, int] | None:
        """(successes, trials) of a rate metric."""
        if isinstance(metric, ConversionMetric):
            base = self.records(metric.key, period)
            return self.records(metric.key, period, "converted").count(), base.count()
        num, den = (self.value(self.engine.part_metric(metric, n), period)
                    for n in ("numerator", "denominator"))
        if num is None or den is None or num > den:
            return None
        return int(num), int(den)

    def durations(self, metric, period: Period) -> list[float]:
        model = dimensions.get_model(metric.model)
        qs = self.records(metric.key, period).annotate(_value=compile_field(metric.field, model))
        return [float(v) for v in qs.exclude(_value=None).values_list("_value", flat=True)]

    def links(self, metric, period: Period) -> dict:
        """API paths of the number's query and of the records behind it."""
        params = {**period.as_dict()}
        if self.filters:
            params["filter"] = f"org:{self.filters['org']}"
        query = urlencode(params)
        out = {"values": f"{API}/{metric.key}/values?{query}"}
        if isinstance(metric, SimpleMetric | ConversionMetric):
            out["records"] = [f"{API}/{metric.key}/records?{query}"]
            if isinstance(metric, ConversionMetric):
                out["records"].append(f"{API}/{metric.key}/records?{query}&part=converted")
        elif isinstance(metric, RatioMetric):
            out["records"] = [f"{API}/{metric.key}/records?{query}&part={p}"
                              for p in ("numerator", "denominator")
                              if isinstance(self.engine.part_metric(metric, p), SimpleMetric)]
        else:
            out["records"] = [f"{API}/{ref}/values?{query}" for ref in metric.references()]
        return out
