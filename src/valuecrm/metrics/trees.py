"""Metric trees and the attribution of a parent's change to its children.

A parent is the sum, difference, product or ratio of its children. Between two periods,
each child's contribution is its Shapley value: the average, over every order in which
the children could change from their old to their new value, of the change in the parent
when that child changes. The contributions add up exactly to the parent's change, do not
depend on the order the children are listed in, and need no logarithms, so zeros are fine
(a ratio whose denominator is 0 in some mix has no value, and then no attribution).
Arithmetic is exact (fractions) until the result is written out.
"""

from fractions import Fraction
from itertools import combinations
from math import factorial

from django.utils.translation import gettext as _

from valuecrm.core.routing import analytics_reads
from valuecrm.metrics.catalog import TreeNode, get_catalog
from valuecrm.metrics.engine import Ctx, Engine
from valuecrm.metrics.periods import Span
from valuecrm.org.models import OrgUnit


def combine(op: str, values: list[Fraction | None]) -> Fraction | None:
    if any(v is None for v in values):
        return None
    if op == "sum":
        return sum(values, Fraction(0))
    if op == "difference":
        return values[0] - values[1]
    if op == "product":
        result = Fraction(1)
        for value in values:
            result *= value
        return result
    return None if values[1] == 0 else values[0] / values[1]


def shapley(op: str, before: list[Fraction], after: list[Fraction]) -> list[Fraction] | None:
    """Each child's exact share of combine(op, after) - combine(op, before)."""
    n = len(before)
    if op in ("sum", "difference"):
        signs = [1] * n if op == "sum" else [1, -1]
        return [sign * (a - b) for sign, a, b in zip(signs, after, before, strict=True)]
    cache = {}

    def value(changed: frozenset):
        if changed not in cache:
            cache[changed] = combine(op, [after[i] if i in changed else before[i]
                                          for i in range(n)])
        return cache[changed]

    contributions = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = Fraction(0)
        for size in range(n):
            weight = Fraction(factorial(size) * factorial(n - size - 1), factorial(n))
            for subset in combinations(others, size):
                with_i, without = value(frozenset((*subset, i))), value(frozenset(subset))
                if with_i is None or without is None:
                    return None
                total += weight * (with_i - without)
        contributions.append(total)
    return contributions


def _fraction(value) -> Fraction | None:
    return None if value is None else Fraction(str(value))


class TreeEvaluator:
    def __init__(self, user, catalog=None, org=None):
        self.catalog = catalog or get_catalog()
        self.engine = Engine(self.catalog)
        self.user = user
        self.org = org

    def value(self, metric_key, span: Span, filters: dict) -> Fraction | None:
        metric = self.catalog.get(metric_key)
        ctx = Ctx(self.user, span, (), tuple(sorted(filters.items())))
        series = self.engine.series(metric, ctx)
        default = self.engine._default(metric)
        return _fraction(series.get((span.start, ()), default))

    def children(self, node: TreeNode, filters: dict) -> list[tuple[TreeNode, dict, str]]:
        if not node.split_by:
            return [(child, filters, _label(child, self.catalog)) for child in node.children]
        parent = OrgUnit.objects.filter(pk=filters.get("org", self.org)).first() or (
            OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first())
        units = parent.children.order_by("name") if parent else []
        leaf = TreeNode(metric=node.metric)
        return [(leaf, {**filters, "org": unit.pk}, unit.name) for unit in units]

    def evaluate(self, node: TreeNode, spans: tuple[Span, Span], filters: dict,
                 label: str) -> dict:
        parts = self.children(node, filters)
        out = {"metric": node.metric, "label": label, "op": node.op or (
            "sum" if node.split_by else None)}
        if not parts:
            out["before"], out["after"] = (self.value(node.metric, s, filters) for s in spans)
            out["children"] = []
            return out
        out["children"] = [self.evaluate(child, spans, child_filters, child_label)
                           for child, child_filters, child_label in parts]
        before = [c["before"] for c in out["children"]]
        after = [c["after"] for c in out["children"]]
        out["before"], out["after"] = combine(out["op"], before), combine(out["op"], after)
        shares = (None if None in before or None in after
                  else shapley(out["op"], before, after))
        for child, share in zip(out["children"], shares or [None] * len(before), strict=True):
            child["contribution"] = share
        if node.metric:
            out["metric_after"] = self.value(node.metric, spans[1], filters)
        return out


def _label(node: TreeNode, catalog) -> str:
    if node.label:
        return node.label.zh
    return catalog.metrics[node.metric].label.zh if node.metric else ""


def _to_root(node: dict, share_of_root) -> None:
    node["contribution_to_root"] = share_of_root
    change = (None if node["before"] is None or node["after"] is None
              else node["after"] - node["before"])
    for child in node["children"]:
        own = child.get("contribution")
        if own is None or share_of_root is None or not change:
            child_share = own if node.get("is_root") else None
        else:
            child_share = share_of_root * own / change
        _to_root(child, child_share)


@analytics_reads()
def explain_tree(*, user, key, before: Span, after: Span, org=None, catalog=None) -> dict:
    """The tree with values in both spans, each node's contribution to its parent's change
    and to the root's, and which of the root's children moved it most."""
    evaluator = TreeEvaluator(user, catalog, org)
    tree = evaluator.catalog.get_tree(key)
    filters = {"org": org} if org else {}
    root = evaluator.evaluate(tree.root, (before, after), filters, tree.label.zh)
    root["is_root"] = True
    change = (None if root["before"] is None or root["after"] is None
              else root["after"] - root["before"])
    _to_root(root, change)
    root.pop("is_root")
    return {"tree": key, "label": tree.label.model_dump(), "before": _span(before),
            "after": _span(after), "change": change, "root": root,
            "levers": _levers(tree, root)}


def _levers(tree, root) -> dict | None:
    children = [c for c in root["children"] if c.get("contribution") is not None]
    if not children:
        return None
    moved = max(children, key=lambda c: abs(c["contribution"]))

    def growth(c):
        return (c["after"] - c["before"]) / c["before"] if c["before"] else Fraction(0)

    weakest = min(children, key=growth)
    name = tree.levers.get
    return {
        "moved_most": moved["metric"] or moved["label"],
        "moved_most_by": moved["contribution"],
        "push_next": weakest["metric"] or weakest["label"],
        "summary": _("%(lever)s moved the total most (%(amount)s); push %(next)s next: it "
                     "grew least.") % {
            "lever": name(moved["metric"], moved["label"]),
            "amount": f"{float(moved['contribution']):+,.2f}",
            "next": name(weakest["metric"], weakest["label"])},
    }


def _span(span: Span) -> dict:
    return {"from": span.start.isoformat(), "to": span.end.isoformat()}


def as_floats(value):
    """The result with exact fractions turned into floats, for JSON and tables."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dict):
        return {k: as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_floats(v) for v in value]
    return value
