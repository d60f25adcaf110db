"""Dimensions: what a metric can be broken down or filtered by, per model.

Each model states the path from its rows to each dimension's value, so "channel" of a
contract is its customer's channel and "team" of a payment is the team of its contract's
owner. Team and department come from the owner's org unit (materialised path), so
"department" includes every team below it.
"""

from django.apps import apps
from django.db.models import Case, IntegerField, Q, Value, When
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
    return MODEL_PATHS[model_label][dimension]


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
    field = _final_field(model_label, MODEL_PATHS[model_label][dimension])
    if field.related_model is not None:
        return {pk: str(obj) for pk, obj in field.related_model._base_manager.in_bulk(
            list(values)).items()}
    if field.choices:
        return {v: str(dict(field.flatchoices).get(v, v)) for v in values}
    return {v: str(v) for v in values}


def none_label() -> str:
    return _("(not set)")
