"""Dimensions: what a metric can be broken down or filtered by, per model.

Each model states the path from its rows to each dimension's value, so "channel" of a
contract is its customer's channel and "team" of a payment is the team of its contract's
owner. Team and department come from the owner's org unit (materialised path), so
"department" includes every team below it.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from valuecrm.org.models import OrgUnit

_CUSTOMER = {"channel": "customer__channel", "region": "customer__region",
             "customer_size": "customer__size_tier"}
_CONTRACT_CUSTOMER = {"channel": "contract__customer__channel",
                      "region": "contract__customer__region",
                      "customer_size": "contract__customer__size_tier",
                      "contract_type": "contract__type"}

# model label -> {dimension: path}; "owner" is the path to the owning user.
MODEL_PATHS: dict[str, dict[str, str]] = {
    "crm.Lead": {"owner": "owner", "channel": "channel", "region": "region",
                 "lead_status": "status"},
    "crm.Customer": {"owner": "owner", "channel": "channel", "region": "region",
                     "customer_size": "size_tier"},
    "crm.Activity": {"owner": "owner", "activity_kind": "kind", **_CUSTOMER},
    "sales.Opportunity": {"owner": "owner", "stage": "stage", **_CUSTOMER},
    "sales.Contract": {"owner": "owner", "contract_type": "type", **_CUSTOMER},
    "sales.ContractLine": {"owner": "contract__owner", "product": "product",
                           "product_category": "product__category", **_CONTRACT_CUSTOMER},
    "sales.PaymentPlan": {"owner": "contract__owner", **_CONTRACT_CUSTOMER},
    "sales.Payment": {"owner": "contract__owner", **_CONTRACT_CUSTOMER},
    "sales.Refund": {"owner": "contract__owner", **_CONTRACT_CUSTOMER},
    "delivery.Order": {"owner": "contract__owner", "product": "product",
                       "product_category": "product__category", "order_stage": "stage",
                       **_CONTRACT_CUSTOMER},
    "delivery.OrderStageEvent": {"owner": "order__contract__owner", "order_stage": "stage",
                                 "product": "order__product"},
    "delivery.PurchaseOrder": {"owner": "order__contract__owner", "supplier": "supplier"},
    "delivery.Inspection": {"owner": "order__contract__owner", "product": "order__product"},
    "delivery.OrderReturn": {"owner": "order__contract__owner", "product": "order__product"},
    # Usage of the system: the person who used it is the "owner" (scope and team).
    "usage.UsageEvent": {"owner": "user", "feature": "feature", "usage_action": "action"},
    "usage.UsageDay": {"owner": "user"},
    "approvals.ApprovalRequest": {"owner": "owner", "approval_subject": "subject",
                                  "contract_type": "contract__type"},
    "approvals.ApprovalStep": {"owner": "request__owner",
                               "approval_subject": "request__subject"},
    # Campaign results: the "owner" is the owner of the contact's customer (scope and team).
    "campaigns.Send": {"owner": "customer__owner", "campaign": "campaign",
                       "campaign_variant": "variant", "region": "customer__region",
                       "customer_size": "customer__size_tier"},
    "campaigns.OptOut": {"owner": "contact__customer__owner"},
    "campaigns.Submission": {"owner": "participant__contact__customer__owner",
                             "campaign": "participant__campaign"},
    "campaigns.Referral": {"owner": "participant__contact__customer__owner",
                           "campaign": "participant__campaign"},
}
# Derived from the product of a row: its list price's band and its popularity tier.
PRODUCT_DIMENSIONS = ("product_price_band", "product_popularity")
for _paths in MODEL_PATHS.values():
    if "product" in _paths:
        _paths.update(dict.fromkeys(PRODUCT_DIMENSIONS, _paths["product"]))
ORG_DIMENSIONS = ("team", "department")
ALL_DIMENSIONS = sorted(
    {d for paths in MODEL_PATHS.values() for d in paths} | set(ORG_DIMENSIONS)
)


def model_dimensions(model_label: str) -> set[str]:
    return set(MODEL_PATHS.get(model_label, {})) | set(ORG_DIMENSIONS)


def get_model(label: str):
    return apps.get_model(label)


def owner_path(model_label: str) -> str:
    return MODEL_PATHS[model_label]["owner"]


def group_expression(model_label: str, dimension: str):
    """(annotation name, expression or path) to group `model_label` rows by `dimension`."""
    owner = owner_path(model_label)
    if dimension == "team":
        return f"{owner}__unit"
    if dimension == "department":
        departments = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("-path")
        whens = [When(**{f"{owner}__unit__path__startswith": d.path}, then=Value(d.pk))
                 for d in departments]
        return Case(*whens, default=None, output_field=IntegerField()) if whens else Value(None)
    if dimension == "product_price_band":
        return price_band_case(MODEL_PATHS[model_label][dimension])
    if dimension == "product_popularity":
        return popularity_case(MODEL_PATHS[model_label][dimension])
    return MODEL_PATHS[model_label][dimension]


def price_band_case(product: str) -> Case:
    """The band index (0 = below the first edge) of the list price of `product`."""
    edges = settings.PRICE_BAND_EDGES
    whens = [When(**{f"{product}__list_price__lt": edge}, then=Value(i))
             for i, edge in enumerate(edges)]
    return Case(*whens, When(**{f"{product}__isnull": False}, then=Value(len(edges))),
                default=None, output_field=IntegerField())


def _band_q(product: str, band: int) -> Q:
    edges = settings.PRICE_BAND_EDGES
    q = Q(**{f"{product}__isnull": False})
    if band > 0:
        q &= Q(**{f"{product}__list_price__gte": edges[band - 1]})
    if band < len(edges):
        q &= Q(**{f"{product}__list_price__lt": edges[band]})
    return q


def price_band_labels() -> dict[int, str]:
    edges = [f"{edge:,.0f}" for edge in settings.PRICE_BAND_EDGES]
    found = {0: f"< {edges[0]}", len(edges): f"≥ {edges[-1]}"}
    found.update({i: f"{edges[i - 1]}–{edges[i]}" for i in range(1, len(edges))})
    return found


# Products ranked by units sold on signed contracts (all time, the whole company: a
# product's popularity is a fact about the product, like its price), ties by id; a product
# at position p of n selling products is in the first tier whose cumulative share s has
# p - 1 < n * s (so the top tier is never empty).
POPULARITY_SQL = """
    SELECT product_id, CASE {tiers} ELSE %s END FROM (
        SELECT l.product_id,
               ROW_NUMBER() OVER (ORDER BY SUM(l.quantity) DESC, l.product_id) AS position,
               COUNT(*) OVER () AS products
        FROM sales_contractline l JOIN sales_contract c ON c.id = l.contract_id
        WHERE c.deleted_at IS NULL AND c.status IN ('active', 'expired', 'terminated')
        GROUP BY l.product_id
        HAVING SUM(l.quantity) > 0) ranked
"""


def popularity_tiers() -> dict[int, str]:
    """Product id -> tier, ranked and tiered in one SQL query (window functions)."""
    tiers = settings.POPULARITY_TIERS
    cases = " ".join("WHEN position - 1 < products * %s THEN %s" for _tier in tiers)
    params = [value for name, share in tiers for value in (share, name)]
    with connection.cursor() as cursor:
        cursor.execute(POPULARITY_SQL.format(tiers=cases),
                       [*params, settings.POPULARITY_REST])
        return dict(cursor.fetchall())


def popularity_case(product: str) -> Case:
    by_tier: dict[str, list[int]] = {}
    for product_id, tier in popularity_tiers().items():
        by_tier.setdefault(tier, []).append(product_id)
    whens = [When(**{f"{product}__in": ids}, then=Value(tier))
             for tier, ids in sorted(by_tier.items())]
    return Case(*whens, When(**{f"{product}__isnull": False},
                             then=Value(settings.POPULARITY_REST)),
                default=None, output_field=CharField())


def _popularity_q(product: str, tier: str) -> Q:
    ranked = popularity_tiers()
    if tier == settings.POPULARITY_REST:
        higher = [pk for pk, t in ranked.items() if t != tier]
        return Q(**{f"{product}__isnull": False}) & ~Q(**{f"{product}__in": higher})
    return Q(**{f"{product}__in": [pk for pk, t in ranked.items() if t == tier]})


def filter_q(model_label: str, dimension: str, value) -> Q:
    """Rows whose `dimension` equals `value`; "org" (and team/department) take a unit id
    and include its whole subtree; an empty value means "not set"."""
    owner = owner_path(model_label)
    if dimension in ("org", "team", "department"):
        unit = OrgUnit.objects.filter(pk=value).first()
        if unit is None:
            return Q(pk__in=[])
        return Q(**{f"{owner}__unit__path__startswith": unit.path})
    path = MODEL_PATHS[model_label][dimension]
    if dimension == "product_price_band" and value not in (None, "", "none"):
        try:
            band = int(value)
        except (TypeError, ValueError):
            return Q(pk__in=[])
        return _band_q(path, band) if 0 <= band <= len(settings.PRICE_BAND_EDGES) else Q(
            pk__in=[])
    if dimension == "product_popularity" and value not in (None, "", "none"):
        return _popularity_q(path, str(value))
    if value not in (None, "", "none"):
        return Q(**{path: value})
    unset = Q(**{f"{path}__isnull": True})
    return unset | Q(**{path: ""}) if _is_text(model_label, path) else unset


def _final_field(model_label: str, path: str):
    model = get_model(model_label)
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def _is_text(model_label: str, path: str) -> bool:
    return _final_field(model_label, path).get_internal_type() in ("CharField", "TextField")


def labels(model_label: str, dimension: str, values) -> dict:
    """Display labels for the raw values of one dimension."""
    values = {v for v in values if v is not None}
    if dimension in ("team", "department"):
        return {u.pk: u.name for u in OrgUnit.objects.filter(pk__in=values)}
    if dimension == "product_price_band":
        names = price_band_labels()
        return {v: names.get(v, str(v)) for v in values}
    if dimension == "product_popularity":
        return {v: str(v) for v in values}
    field = _final_field(model_label, MODEL_PATHS[model_label][dimension])
    if field.related_model is not None:
        return {pk: str(obj) for pk, obj in field.related_model._base_manager.in_bulk(
            list(values)).items()}
    if field.choices:
        return {v: str(dict(field.flatchoices).get(v, v)) for v in values}
    return {v: str(v) for v in values}


def none_label() -> str:
    return _("(not set)")
