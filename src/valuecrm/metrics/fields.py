"""Field expressions and filters of simple metrics, compiled to ORM expressions.

A field is a path (`total_amount`, `converted_opportunity__closed_at`) or arithmetic over
paths with a few functions: `seconds_between(start, end)`, `hours_between`,
`days_between`, `related_sum(relation, field)` (the sum over a reverse relation, as a
correlated subquery) and `positive(x)` (negative values count as 0). A plain path keeps
its type (money stays Decimal), and so does arithmetic over Decimal and integer fields
with + - * and division by a constant (net amounts such as `amount - refunded_amount`, line
amounts such as `quantity * unit_price * (100 - discount_percent) / 100` stay exact);
other arithmetic is done in floating point.
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from valuecrm.metrics import expr
from valuecrm.metrics.sql import SecondsBetween

FIELD_FUNCTIONS = {"seconds_between": 2, "hours_between": 2, "days_between": 2,
                   "related_sum": 2, "positive": 1}
NUMERIC = {"IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
           "SmallIntegerField", "BigIntegerField", "DecimalField", "FloatField"}
_SECONDS = {"seconds_between": 1, "hours_between": 3600, "days_between": 86400}


def compile_field(text: str, model=None):
    tree = expr.parse(text, FIELD_FUNCTIONS)
    if isinstance(tree, expr.Name):
        return F(tree.name)
    if model is not None and _exact(tree, model) and _has_decimal(tree, model):
        return ExpressionWrapper(_decimal(tree), output_field=DecimalField(
            max_digits=20, decimal_places=2))
    return _numeric(tree, model)


_EXACT_FIELDS = {"DecimalField", "IntegerField", "PositiveIntegerField",
                 "PositiveSmallIntegerField", "SmallIntegerField", "BigIntegerField"}


def _exact(node, model) -> bool:
    """Whether `node` is arithmetic the database can do exactly in `numeric`: Decimal and
    integer fields and constants under + - *, divided only by a non-zero constant (money
    such as `quantity * unit_price * discount_percent / 100` stays money)."""
    if isinstance(node, expr.Num):
        return True
    if isinstance(node, expr.Name):
        return field_type(model, node.name) in _EXACT_FIELDS
    if isinstance(node, expr.Neg):
        return _exact(node.operand, model)
    if isinstance(node, expr.BinOp) and node.op == "/":
        return (_exact(node.left, model) and isinstance(node.right, expr.Num)
                and node.right.value != 0)
    return (isinstance(node, expr.BinOp) and node.op in "+-*"
            and _exact(node.left, model) and _exact(node.right, model))


def _has_decimal(node, model) -> bool:
    if isinstance(node, expr.Name):
        return field_type(model, node.name) == "DecimalField"
    if isinstance(node, expr.Neg):
        return _has_decimal(node.operand, model)
    return isinstance(node, expr.BinOp) and (
        _has_decimal(node.left, model) or _has_decimal(node.right, model))


def _decimal(node):
    if isinstance(node, expr.Num):
        return Value(Decimal(node.value), output_field=DecimalField())
    if isinstance(node, expr.Name):
        return F(node.name)
    if isinstance(node, expr.Neg):
        return Value(Decimal(0), output_field=DecimalField()) - _decimal(node.operand)
    left, right = _decimal(node.left), _decimal(node.right)
    return {"+": left + right, "-": left - right, "*": left * right,
            "/": left / right}[node.op]


def _numeric(node, model):
    if isinstance(node, expr.Num):
        return Value(float(node.value), output_field=FloatField())
    if isinstance(node, expr.Name):
        kind = field_type(model, node.name) if model is not None else "FloatField"
        if kind not in NUMERIC:
            raise ValueError(f"{node.name!r} is not a number field ({kind or 'unknown'})")
        return Cast(F(node.name), FloatField())
    if isinstance(node, expr.Neg):
        return Value(0.0, output_field=FloatField()) - _numeric(node.operand, model)
    if isinstance(node, expr.BinOp):
        left, right = _numeric(node.left, model), _numeric(node.right, model)
        return {"+": left + right, "-": left - right, "*": left * right,
                "/": left / right}[node.op]
    return _call(node, model)


def _call(node, model):
    if node.func in _SECONDS:
        start, end = (_path(arg, node.func) for arg in node.args)
        seconds = SecondsBetween(F(start), F(end))
        return seconds if node.func == "seconds_between" else seconds / Value(
            float(_SECONDS[node.func]), output_field=FloatField())
    if node.func == "positive":
        return Greatest(_numeric(node.args[0], model), Value(0.0, output_field=FloatField()))
    relation, field = (_path(arg, node.func) for arg in node.args)
    if model is None:
        raise ValueError("related_sum needs the metric's model")
    reverse = model._meta.get_field(relation)
    if not reverse.one_to_many:
        raise ValueError(f"{relation!r} is not a reverse relation of {model.__name__}")
    remote = reverse.field.name
    inner = (reverse.related_model._base_manager.filter(**{remote: OuterRef("pk")})
             .order_by().values(remote).annotate(total=Sum(field)).values("total"))
    return Cast(Coalesce(Subquery(inner), Value(0)), FloatField())


def field_type(model, path: str) -> str | None:
    """Internal type of the field at the end of `path` (None if there is none)."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model or model
    return field.get_internal_type() if field else None


def _path(node, func):
    if not isinstance(node, expr.Name):
        raise expr.ExpressionError(f"{func}() takes field names")
    return node.name


_RELATIVE_DAY = re.compile(r"^\$today-(\d+)d$")


def _value(value):
    if value == "$today":
        return timezone.localdate()
    if isinstance(value, str) and (match := _RELATIVE_DAY.match(value)):
        # Local midnight, aware: compares right with date and datetime fields alike.
        day = timezone.localdate() - timedelta(days=int(match.group(1)))
        return timezone.make_aware(datetime.combine(day, time.min))
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def compile_filter(include: dict, exclude: dict) -> Q:
    """Django lookups (`status__in: [...]`, `phone: ""`); `$today` is today's date and
    `$today-30d` the start of the day 30 days before it."""
    q = Q(**{k: _value(v) for k, v in include.items()})
    for key, value in exclude.items():
        q &= ~Q(**{key: _value(value)})
    return q
