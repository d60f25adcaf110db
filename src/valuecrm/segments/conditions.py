"""The condition language of segments and tag rules, compiled to one Q over customers.

A definition is JSON (so the API, pages, CLI and the admin share it):

    {"all": [...]} | {"any": [...]} | {"not": {...}} | a leaf
    {"field": "industry", "op": "eq", "value": "母婴"}        fields: FIELDS, ops: OPS
    {"tag": 7}                                               carries tag 7
    {"inactive_days": 60}                                    no activity for 60 days (or never)
    {"purchased": {"within_days": 90, "category": "软件"}}    a signed contract (with a line of
                                                             the category / product) in 90 days
    {"metric": "contract_amount", "op": "gte", "value": 100000, "within_days": 365}
                                                             per-customer behaviour: METRICS

Every leaf is an indexed comparison, an EXISTS or an `IN (SELECT customer_id ... GROUP BY
... HAVING ...)`: the database evaluates the whole definition set-based, whatever the number
of customers. "Today" is the local date when the definition is compiled.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

# name -> customer lookup path
FIELDS = {"industry": "industry", "size_tier": "size_tier", "region": "region",
          "lifecycle_stage": "lifecycle_stage", "channel": "channel_id", "owner": "owner_id",
          "name": "name"}
OPS = {"eq": "exact", "ne": "exact", "in": "in", "contains": "icontains", "gt": "gt",
       "gte": "gte", "lt": "lt", "lte": "lte", "empty": "isnull"}
NUMERIC_OPS = ("eq", "ne", "gt", "gte", "lt", "lte")
# Contracts that count as a purchase.
SIGNED = ("active", "expired", "terminated")
METRICS = ("contract_amount", "contract_count", "activity_count")
LEAVES = ("field", "tag", "inactive_days", "purchased", "metric")


def _fail(message):
    raise ValidationError({"definition": [message]})


def validate(definition) -> None:
    """Raise ValidationError({"definition": [...]}) unless `definition` compiles."""
    compile_definition(definition)


def compile_definition(definition) -> Q:
    if not isinstance(definition, dict) or not definition:
        _fail(_("A condition is an object such as {\"all\": [...]}."))
    return _node(definition, depth=0)


def _node(node, depth) -> Q:
    if depth > 10:
        _fail(_("Conditions are nested too deeply."))
    if not isinstance(node, dict) or len(node.keys() & {"all", "any", "not", *LEAVES}) != 1:
        _fail(_("Each condition has exactly one of: all, any, not, %(leaves)s.")
              % {"leaves": ", ".join(LEAVES)})
    if "all" in node or "any" in node:
        children = node.get("all", node.get("any"))
        if not isinstance(children, list) or not children:
            _fail(_("\"all\" and \"any\" take a non-empty list."))
        compiled = [_node(child, depth + 1) for child in children]
        combined = compiled[0]
        for q in compiled[1:]:
            combined = combined & q if "all" in node else combined | q
        return combined
    if "not" in node:
        return ~_node(node["not"], depth + 1)
    if "field" in node:
        return _field(node)
    if "tag" in node:
        return Q(tags=_integer(node["tag"], "tag"))
    if "inactive_days" in node:
        since = timezone.now() - timedelta(days=_integer(node["inactive_days"], "inactive_days"))
        return Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=since)
    if "purchased" in node:
        return _purchased(node["purchased"])
    return _metric(node)


def _integer(value, name) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(_("%(name)s must be a whole number of at least 0.") % {"name": name})
    return value


def _number(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        _fail(_("%(value)s is not a number.") % {"value": value})


def _field(node) -> Q:
    name, op, value = node["field"], node.get("op", "eq"), node.get("value")
    if name not in FIELDS:
        _fail(_("Unknown field %(name)s; use one of %(names)s.")
              % {"name": name, "names": ", ".join(FIELDS)})
    if op not in OPS:
        _fail(_("Unknown operator %(op)s.") % {"op": op})
    path = FIELDS[name]
    if op == "empty":
        text = not path.endswith("_id")
        q = Q(**{f"{path}__isnull": True}) | (Q(**{path: ""}) if text else Q(pk__in=[]))
        return q if value in (None, True) else ~q
    if op == "in" and not isinstance(value, list):
        _fail(_("\"in\" takes a list of values."))
    if op != "in" and not isinstance(value, str | int | float):
        _fail(_("%(name)s needs a value.") % {"name": name})
    q = Q(**{f"{path}__{OPS[op]}": value})
    return ~q if op == "ne" else q


def _since(node, today):
    days = node.get("within_days")
    return None if days is None else today - timedelta(days=_integer(days, "within_days"))


def _purchased(node) -> Q:
    from valuecrm.sales.models import Contract, ContractLine

    if not isinstance(node, dict):
        _fail(_("\"purchased\" takes an object, e.g. {\"within_days\": 90}."))
    unknown = set(node) - {"within_days", "category", "product"}
    if unknown:
        _fail(_("Unknown keys in purchased: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    since = _since(node, timezone.localdate())
    if "category" in node or "product" in node:
        rows = ContractLine.objects.filter(contract__customer=OuterRef("pk"),
                                           contract__status__in=SIGNED,
                                           contract__deleted_at__isnull=True)
        prefix = "contract__"
        if "category" in node:
            rows = rows.filter(product__category=str(node["category"]))
        if "product" in node:
            rows = rows.filter(product_id=_integer(node["product"], "product"))
    else:
        rows = Contract.objects.filter(customer=OuterRef("pk"), status__in=SIGNED)
        prefix = ""
    if since is not None:
        rows = rows.filter(**{f"{prefix}signed_date__gte": since})
    return Q(Exists(rows))


def _metric(node) -> Q:
    """Customers whose behaviour figure compares as asked. Customers with no rows have 0,
    so a condition that 0 satisfies also matches them."""
    from valuecrm.crm.models import Activity
    from valuecrm.sales.models import Contract

    key, op = node["metric"], node.get("op", "gte")
    if key not in METRICS:
        _fail(_("Unknown metric %(key)s; use one of %(keys)s.")
              % {"key": key, "keys": ", ".join(METRICS)})
    if op not in NUMERIC_OPS:
        _fail(_("Metrics compare with eq, ne, gt, gte, lt or lte."))
    value = _number(node.get("value"))
    today = timezone.localdate()
    since = _since(node, today)
    if key == "activity_count":
        rows = Activity.objects.filter(customer__isnull=False)
        if since is not None:
            rows = rows.filter(started_at__date__gte=since)
        aggregate = Count("pk")
    else:
        rows = Contract.objects.filter(status__in=SIGNED)
        if since is not None:
            rows = rows.filter(signed_date__gte=since)
        aggregate = Count("pk") if key == "contract_count" else Sum("total_amount")
    grouped = rows.order_by().values("customer_id").annotate(figure=aggregate)
    lookup = "exact" if op in ("eq", "ne") else op
    matching = grouped.filter(**{f"figure__{lookup}": value}).values("customer_id")
    q = Q(pk__in=matching)
    if _compare(Decimal(0), op, value):
        q |= ~Q(pk__in=grouped.values("customer_id"))
    if op == "ne":
        q = ~Q(pk__in=grouped.filter(figure=value).values("customer_id"))
        if not _compare(Decimal(0), op, value):
            q &= Q(pk__in=grouped.values("customer_id"))
    return q


def _compare(a, op, b) -> bool:
    return {"eq": a == b, "ne": a != b, "gt": a > b, "gte": a >= b, "lt": a < b,
            "lte": a <= b}[op]
