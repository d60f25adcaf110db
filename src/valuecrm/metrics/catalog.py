"""The metric catalog: YAML definitions, validated when loaded.

Shipped definitions live in `metrics/catalog/*.yaml`; an organisation adds or overrides
metrics in its own folder (VALUECRM_METRICS_DIR, default VALUECRM_HOME/metrics). Loading
fails with one message naming the file, the metric and the field, so a bad definition is
never half-used. See docs/metrics.md for the format.
"""

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.conf import settings
from django.core.exceptions import FieldError
from django.db.models import Q
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError

from valuecrm.metrics import dimensions, expr
from valuecrm.metrics.fields import compile_field, compile_filter, field_type

SHIPPED_DIR = Path(__file__).resolve().parent / "catalog"
KEY = r"^[a-z][a-z0-9_]*$"
ADDITIVE = {"count", "sum"}


class CatalogError(ValueError):
    def __init__(self, file, message, *, metric=None, field=None):
        where = [str(file)]
        if metric:
            where.append(f"metric {metric!r}")
        if field:
            where.append(f"field {field!r}")
        super().__init__(": ".join([*where, message]))


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY)
    label: Label
    description: str = ""
    unit: str = ""
    direction: Literal["higher", "lower", "neutral"] = "higher"
    dimensions: list[str] = []
    category: Literal["business_outcome", "workload", "usage", "efficiency", "data_quality"]
    relation: Literal["direct", "positive_correlation", "transparency", "unclear"]
    hidden: bool = False

    def references(self) -> list[str]:
        return []


class SimpleMetric(_Base):
    kind: Literal["simple"]
    model: str
    agg: Literal["count", "count_distinct", "sum", "avg", "min", "max", "median", "percentile"]
    field: str | None = None
    percentile: float | None = Field(None, ge=0, le=1)
    time_field: str
    filter: dict[str, Any] = {}
    exclude: dict[str, Any] = {}

    @property
    def additive(self) -> bool:
        return self.agg in ADDITIVE


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metric: str
    filter: dict[str, Any] = {}


class RatioMetric(_Base):
    kind: Literal["ratio"]
    numerator: str | Part
    denominator: str | Part

    def part(self, name) -> Part:
        value = getattr(self, name)
        return Part(metric=value) if isinstance(value, str) else value

    def references(self):
        return [self.part("numerator").metric, self.part("denominator").metric]


class DerivedMetric(_Base):
    kind: Literal["derived"]
    expression: str

    def tree(self):
        return expr.parse(self.expression, {"lag": 2})

    def references(self):
        return sorted(expr.names(self.tree()))


class CumulativeMetric(_Base):
    kind: Literal["cumulative"]
    metric: str
    window: int | None = Field(None, ge=1)
    to_date: Literal["week", "month", "quarter", "year"] | None = None

    def references(self):
        return [self.metric]


class Conversion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time_field: str
    filter: dict[str, Any] = {}
    window_days: int = Field(ge=1)


class ConversionMetric(_Base):
    kind: Literal["conversion"]
    model: str
    time_field: str
    filter: dict[str, Any] = {}
    exclude: dict[str, Any] = {}
    conversion: Conversion


Metric = Annotated[
    SimpleMetric | RatioMetric | DerivedMetric | CumulativeMetric | ConversionMetric,
    Field(discriminator="kind"),
]
_METRIC = TypeAdapter(Metric)


class TreeNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metric: str | None = None
    label: Label | None = None
    op: Literal["sum", "difference", "product", "ratio"] | None = None
    children: list["TreeNode"] = []
    split_by: Literal["team", "department", "org"] | None = None


class Tree(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY)
    label: Label
    description: str = ""
    root: TreeNode
    levers: dict[str, str] = {}


_TREE = TypeAdapter(Tree)


class Catalog:
    def __init__(self, metrics: dict, trees: dict, sources: dict):
        self.metrics = metrics
        self.trees = trees
        self.sources = sources

    def get(self, key: str):
        from valuecrm.core.errors import NotFound

        if key not in self.metrics:
            raise NotFound(f"No metric {key!r}.", code="unknown_metric")
        return self.metrics[key]

    def get_tree(self, key: str) -> Tree:
        from valuecrm.core.errors import NotFound

        if key not in self.trees:
            raise NotFound(f"No metric tree {key!r}.", code="unknown_tree")
        return self.trees[key]

    def dimensions_of(self, metric) -> set[str]:
        """Dimensions the metric's data supports (declared ones must be among them)."""
        if isinstance(metric, SimpleMetric | ConversionMetric):
            return dimensions.model_dimensions(metric.model)
        sets = [self.dimensions_of(self.metrics[r]) for r in metric.references()]
        return set.intersection(*sets) if sets else set()


def org_dir() -> Path:
    if path := os.environ.get("VALUECRM_METRICS_DIR"):
        return Path(path)
    return settings.HOME / "metrics"


def load_catalog(folders: list[Path]) -> Catalog:
    """Metrics and trees of every *.yaml in `folders`; a later folder overrides an earlier
    one's metric of the same key, a repeated key within one folder is an error."""
    metrics, trees, sources = {}, {}, {}
    for folder in folders:
        seen: set[str] = set()
        for path in sorted(Path(folder).glob("*.yaml")) if Path(folder).is_dir() else []:
            for item in _read(path, seen):
                target = trees if isinstance(item, Tree) else metrics
                target[item.key] = item
                sources[item.key] = path
    catalog = Catalog(metrics, trees, sources)
    for metric in metrics.values():
        _check_references(catalog, metric)
    _check_cycles(catalog)
    for metric in metrics.values():
        _check(catalog, metric)
    for tree in trees.values():
        _check_tree(catalog, tree)
    return catalog


def _read(path: Path, seen: set[str]):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(path, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"metrics", "trees"}:
        raise CatalogError(path, "the file holds a mapping with `metrics:` and/or `trees:`")
    for section, adapter in (("metrics", _METRIC), ("trees", _TREE)):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise CatalogError(path, f"`{section}` must be a list")
        for raw in items:
            key = raw.get("key") if isinstance(raw, dict) else None
            try:
                item = adapter.validate_python(raw)
            except PydanticError as exc:
                error = exc.errors()[0]
                loc = [str(p) for p in error["loc"] if p not in (
                    "simple", "ratio", "derived", "cumulative", "conversion")]
                raise CatalogError(path, error["msg"], metric=key,
                                   field=".".join(loc) or None) from None
            if item.key in seen:
                raise CatalogError(path, "defined twice", metric=item.key, field="key")
            seen.add(item.key)
            yield item


def _fail(catalog, metric, field, message):
    raise CatalogError(catalog.sources[metric.key], message, metric=metric.key, field=field)


def _check_references(catalog: Catalog, metric) -> None:
    try:
        references = metric.references()
    except expr.ExpressionError as exc:
        _fail(catalog, metric, "expression", str(exc))
    for ref in references:
        if ref not in catalog.metrics:
            _fail(catalog, metric, _ref_field(metric), f"unknown metric {ref!r}")


def _check(catalog: Catalog, metric) -> None:
    if isinstance(metric, SimpleMetric | ConversionMetric):
        _check_model_fields(catalog, metric)
    if isinstance(metric, RatioMetric):
        for name in ("numerator", "denominator"):
            part = metric.part(name)
            if part.filter and not isinstance(catalog.metrics[part.metric], SimpleMetric):
                _fail(catalog, metric, name, "a filter applies to a simple metric only")
    if isinstance(metric, CumulativeMetric):
        base = catalog.metrics[metric.metric]
        if (metric.window is None) == (metric.to_date is None):
            _fail(catalog, metric, "window", "give exactly one of `window` or `to_date`")
        if not (isinstance(base, SimpleMetric) and base.additive):
            _fail(catalog, metric, "metric", "a cumulative metric needs a count or sum metric")
    if isinstance(metric, DerivedMetric):
        for call in expr.calls(metric.tree(), "lag"):
            if not (isinstance(call.args[0], expr.Name) and isinstance(call.args[1], expr.Num)
                    and call.args[1].value == int(call.args[1].value) >= 1):
                _fail(catalog, metric, "expression", "lag(metric, n) needs a name and n >= 1")
    supported = catalog.dimensions_of(metric)
    for dim in metric.dimensions:
        if dim not in supported:
            _fail(catalog, metric, "dimensions",
                  f"unknown dimension {dim!r} (possible: {', '.join(sorted(supported))})")


def _ref_field(metric) -> str:
    return {"ratio": "numerator", "derived": "expression", "cumulative": "metric"}[metric.kind]


def _check_model_fields(catalog, metric) -> None:
    if metric.model not in dimensions.MODEL_PATHS:
        _fail(catalog, metric, "model", f"unknown model {metric.model!r} (possible: "
              f"{', '.join(sorted(dimensions.MODEL_PATHS))})")
    model = dimensions.get_model(metric.model)
    checks = [("time_field", lambda: compile_field(metric.time_field)),
              ("filter", lambda: compile_filter(metric.filter, metric.exclude))]
    if isinstance(metric, ConversionMetric):
        conv = metric.conversion
        checks += [("conversion.time_field", lambda: compile_field(conv.time_field)),
                   ("conversion.filter", lambda: compile_filter(conv.filter, {}))]
    if isinstance(metric, SimpleMetric):
        if metric.agg not in ("count",) and not metric.field:
            _fail(catalog, metric, "field", f"`{metric.agg}` needs a field")
        if metric.agg == "percentile" and metric.percentile is None:
            _fail(catalog, metric, "percentile", "give the percentile as a fraction, e.g. 0.9")
        if metric.field:
            checks.append(("field", lambda: compile_field(metric.field, model)))
    for field, build in checks:
        try:
            built = build()
            qs = model._default_manager.all()
            qs = qs.filter(built) if isinstance(built, Q) else qs.annotate(_check=built)
            str(qs.query)
        except (FieldError, expr.ExpressionError, ValueError, TypeError) as exc:
            _fail(catalog, metric, field, str(exc).split("\n")[0])
    times = {"time_field": metric.time_field}
    if isinstance(metric, ConversionMetric):
        times["conversion.time_field"] = metric.conversion.time_field
    for field, path in times.items():
        if field_type(model, path) not in ("DateField", "DateTimeField"):
            _fail(catalog, metric, field, "must be a date or datetime field")


def _check_cycles(catalog: Catalog) -> None:
    state: dict[str, str] = {}

    def visit(key, chain):
        if state.get(key) == "done":
            return
        if state.get(key) == "active":
            cycle = " -> ".join([*chain[chain.index(key):], key])
            metric = catalog.metrics[key]
            _fail(catalog, metric, _ref_field(metric), f"refers to itself: {cycle}")
        state[key] = "active"
        for ref in catalog.metrics[key].references():
            visit(ref, [*chain, key])
        state[key] = "done"

    for key in catalog.metrics:
        visit(key, [])


def _check_tree(catalog: Catalog, tree: Tree) -> None:
    def walk(node, where):
        if node.metric and node.metric not in catalog.metrics:
            raise CatalogError(catalog.sources[tree.key], f"unknown metric {node.metric!r}",
                               field=where)
        if node.children and not node.op:
            raise CatalogError(catalog.sources[tree.key], "a node with children needs `op`",
                               field=where)
        if node.op in ("difference", "ratio") and len(node.children) != 2:
            raise CatalogError(catalog.sources[tree.key], f"`{node.op}` takes two children",
                               field=where)
        if not node.metric and not node.children:
            raise CatalogError(catalog.sources[tree.key], "a leaf needs `metric`", field=where)
        for index, child in enumerate(node.children):
            walk(child, f"{where}.children.{index}")

    walk(tree.root, "root")


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    return load_catalog([SHIPPED_DIR, org_dir()])
