"""Writes of the metrics app: setting targets."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from valuecrm.core.errors import Forbidden, NotFound, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.metrics.catalog import SimpleMetric, get_catalog
from valuecrm.metrics.models import Target
from valuecrm.org.models import OrgUnit, User


def targetable(metric) -> bool:
    """Targets roll up as sums, so only counts and sums take targets."""
    return isinstance(metric, SimpleMetric) and metric.additive


def _may_set(actor, unit, person) -> bool:
    if actor.sees_everything:
        return True
    if not (actor.manages_subtree and actor.unit_id):
        return False
    if unit is not None:  # a unit below the actor's own: the level above sets yours
        return unit.path.startswith(actor.unit.path) and unit.pk != actor.unit_id
    return (person.pk != actor.pk and person.unit_id is not None
            and person.unit.path.startswith(actor.unit.path))


@transaction.atomic
def set_target(*, actor, metric_key: str, start, end, value, unit_id=None,
               user_id=None) -> Target:
    """Create or replace the target of a metric for one unit or one person and span."""
    ensure_can_write(actor)
    metric = get_catalog().get(metric_key)
    errors = {}
    if not targetable(metric):
        errors["metric_key"] = [_("Targets are set on counts and sums, not on %(kind)s "
                                  "metrics.") % {"kind": metric.kind}]
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        errors["value"] = [_("Give a number.")]
    if (unit_id is None) == (user_id is None):
        errors["unit"] = [_("Set the target for a unit or for a person.")]
    if errors:
        raise ValidationError(errors)
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
    person = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if unit is None and person is None:
        raise NotFound(_("No such unit or person."))
    if not _may_set(actor, unit, person):
        raise Forbidden(_("You cannot set targets for this unit or person."),
                        code="forbidden")
    target = (Target.objects.select_for_update().filter(
        metric_key=metric_key, unit=unit, user=person, start=start, end=end).first()
        or Target(metric_key=metric_key, unit=unit, user=person, start=start, end=end))
    target.value = value
    target.full_clean()
    target._history_user = actor
    target.save()
    return target
