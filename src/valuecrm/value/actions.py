"""Writes of the value app: requirements, initiatives with the metrics they should move, and
operations cycles with their targets. Each is atomic, checks the actor through the write
layer (core.records) and records history naming the actor."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.core.records import create_record, update_record
from valuecrm.usage.actions import track
from valuecrm.value.models import (
    CycleTarget,
    Initiative,
    InitiativeMetric,
    OperationsCycle,
    Requirement,
)

REQUIREMENT_FIELDS = {"title", "background", "goal", "kind", "urgent", "important", "kano",
                      "business_goal", "metric_key", "unit_id", "status", "owner_id"}


def _fields(data: dict, allowed: set[str]) -> dict:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    return data


@transaction.atomic
def create_requirement(*, actor, **data) -> Requirement:
    return create_record(actor=actor, model=Requirement,
                         data=_fields(data, REQUIREMENT_FIELDS))


@transaction.atomic
def update_requirement(*, actor, pk, changes: dict, expected_version=None) -> Requirement:
    return update_record(actor=actor, model=Requirement, pk=pk,
                         changes=_fields(changes, REQUIREMENT_FIELDS),
                         expected_version=expected_version)


def _decimals(values: dict, field: str) -> dict[str, Decimal]:
    try:
        return {key: Decimal(str(v)) for key, v in values.items()}
    except InvalidOperation:
        raise ValidationError({field: [_("Give numbers.")]}) from None


def _visible(model, actor, ids, field):
    ids = set(ids)
    found = list(model.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({field: [_("No such %(kind)s.") % {
            "kind": model._meta.verbose_name}]})
    return found


def _children(parent, model, link: str, rows: dict[str, Decimal], value_field: str,
              field: str) -> None:
    """Child rows (metric key -> value), validated field by field under `field`."""
    for key, value in rows.items():
        row = model(**{link: parent, "metric_key": key, value_field: value})
        try:
            row.full_clean(exclude=[link])
        except DjangoValidationError as exc:
            raise ValidationError({f"{field}.{key}": [
                m for messages in exc.message_dict.values() for m in messages]}) from None
        row.save()


@transaction.atomic
def create_initiative(*, actor, name: str, launch_date: date, metrics: dict,
                      requirement_ids=(), background: str = "", goal: str = "",
                      estimated_value=None, measure_days: int = 90) -> Initiative:
    """An initiative with the relative change expected of each metric ({"key": -0.5})."""
    expected = _decimals(metrics, "metrics")
    if not expected:
        raise ValidationError({"metrics": [_("Name at least one metric it should move.")]})
    requirements = _visible(Requirement, actor, requirement_ids, "requirement_ids")
    initiative = create_record(actor=actor, model=Initiative, data={
        "name": name, "launch_date": launch_date, "background": background, "goal": goal,
        "estimated_value": estimated_value, "measure_days": measure_days})
    initiative.requirements.set(requirements)
    _children(initiative, InitiativeMetric, "initiative", expected, "expected_change",
              "metrics")
    track(actor, "initiatives", "create")
    return initiative


@transaction.atomic
def create_cycle(*, actor, name: str, start: date, end: date, targets: dict,
                 initiative_ids=(), goal: str = "", hold_days: int = 28) -> OperationsCycle:
    """A cycle aiming at metric values ({"key": target}), with initiatives as its plan."""
    values = _decimals(targets, "targets")
    if not values:
        raise ValidationError({"targets": [_("Give at least one metric target.")]})
    initiatives = _visible(Initiative, actor, initiative_ids, "initiative_ids")
    cycle = create_record(actor=actor, model=OperationsCycle, data={
        "name": name, "start": start, "end": end, "goal": goal, "hold_days": hold_days})
    cycle.initiatives.set(initiatives)
    _children(cycle, CycleTarget, "cycle", values, "target", "targets")
    return cycle
