"""Settings of the value report, with their defaults (override any in settings.py)."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Catalog metrics that are the duration of one operation, with the share of that duration
# that is people's working time. Hours saved = change in the metric's mean per operation x
# the operations in the current period (the records behind the metric); money = hours saved
# x work share x VALUE_COST_PER_HOUR. Waiting time (a lead waiting for its first call) saves
# hours for the customer but no wages: its work share is 0. A metric missing from the
# catalog is skipped, so other apps' entries can be listed before their metrics ship.
DEFAULT_OPERATION_DURATIONS = {
    "first_response_hours": 0,
    "sales_cycle_days": 0,
    "approval_cycle_hours": 0,  # the contract waits; nobody is paid for the waiting
    "approval_step_handling_hours": 1,  # an approver's working time on a step
}
# Per-capita efficiency (人效) and the tree that explains the contract amount's change.
DEFAULT_PER_CAPITA_METRIC = "per_capita_contract_amount"
DEFAULT_ATTRIBUTION_TREE = "contract_amount_drivers"
# Fewer records than this behind a number: flagged as a small sample, never celebrated.
DEFAULT_MIN_SAMPLE = 30
# An initiative drifts when it achieved less than this share of the change it expected.
DEFAULT_DRIFT_TOLERANCE = Decimal("0.5")
SIGNIFICANCE = 0.05


def cost_per_hour() -> Decimal:
    try:
        value = Decimal(str(getattr(settings, "VALUE_COST_PER_HOUR", "150")))
    except InvalidOperation:
        raise ImproperlyConfigured("VALUE_COST_PER_HOUR must be a number") from None
    if value < 0:
        raise ImproperlyConfigured("VALUE_COST_PER_HOUR must not be negative")
    return value


def operation_durations() -> dict[str, Decimal]:
    raw = getattr(settings, "VALUE_OPERATION_DURATIONS", DEFAULT_OPERATION_DURATIONS)
    return {key: Decimal(str(share)) for key, share in raw.items()}


def per_capita_metric() -> str:
    return getattr(settings, "VALUE_PER_CAPITA_METRIC", DEFAULT_PER_CAPITA_METRIC)


def attribution_tree() -> str:
    return getattr(settings, "VALUE_ATTRIBUTION_TREE", DEFAULT_ATTRIBUTION_TREE)


def min_sample() -> int:
    return int(getattr(settings, "VALUE_MIN_SAMPLE", DEFAULT_MIN_SAMPLE))


def drift_tolerance() -> Decimal:
    return Decimal(str(getattr(settings, "VALUE_DRIFT_TOLERANCE", DEFAULT_DRIFT_TOLERANCE)))
