"""Targets against actuals: attainment, run-rate forecast, cascade checks, who is behind.

The report is a tree from one org unit down to its teams and people. A node's target is
its own, or else the sum of its children's; attainment is actual / target, so a parent's
attainment is the sum of actuals over the sum of targets, never an average of percentages.
Actuals come from one query grouped by owner (targets exist only for counts and sums, so a
unit's actual is the sum over the owners in its subtree).
"""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.metrics.actions import targetable
from valuecrm.metrics.catalog import get_catalog
from valuecrm.metrics.engine import Ctx, Engine
from valuecrm.metrics.models import Target
from valuecrm.metrics.periods import Span
from valuecrm.org.models import OrgUnit, Role, User
from valuecrm.org.scope import can_see_person, can_see_unit


def target_report(*, user, metric_key, start: date, end: date, unit_id=None,
                  today: date | None = None) -> dict:
    catalog = get_catalog()
    metric = catalog.get(metric_key)
    if not targetable(metric):
        raise ValidationError({"metric": ["Targets exist only for counts and sums."]})
    root = _root(user, unit_id)
    today = today or timezone.localdate()
    span = Span(start, end)
    ctx = Ctx(user, span, ("owner",), (("org", root.pk),) if root else ())
    actual_by_owner = {dims[0]: value for (_p, dims), value in
                       Engine(catalog).series(metric, ctx).items()}
    targets = Target.objects.filter(metric_key=metric_key, start=start, end=end)
    own = {("unit", t.unit_id) if t.unit_id else ("person", t.user_id): t.value
           for t in targets}
    people = (User.objects.filter(is_active=True, unit__path__startswith=root.path)
              if root else User.objects.filter(pk=user.pk)).select_related("unit")
    builder = _Builder(user, own, actual_by_owner, people, span, today)
    node = builder.unit(root) if root else builder.person(user)
    return {"metric": metric_key, "from": start.isoformat(), "to": end.isoformat(),
            "today": today.isoformat(), "root": node, "behind": builder.behind}


def _root(user, unit_id):
    if unit_id is not None:
        unit = OrgUnit.objects.filter(pk=unit_id).first()
        if unit is None or not can_see_unit(user, unit):
            raise NotFound(f"org unit {unit_id} not found")
        return unit
    if user.sees_everything:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    if user.manages_subtree and user.unit_id:
        return user.unit
    return None  # a rep: their own target


class _Builder:
    def __init__(self, user, own, actual_by_owner, people, span, today):
        self.user, self.own, self.actual_by_owner = user, own, actual_by_owner
        self.people, self.span, self.today = list(people), span, today
        self.by_id = {p.pk: p for p in self.people}
        self.behind = []

    def unit(self, unit) -> dict:
        children = [self.unit(child) for child in unit.children.order_by("name")]
        children += [self.person(p) for p in self.people
                     if p.unit_id == unit.pk and p.role in (Role.REP, Role.MANAGER)]
        actual = sum((v or 0 for owner, v in self.actual_by_owner.items()
                      if self._owner_in(owner, unit)), Decimal(0))
        return self._node("unit", unit.pk, unit.name, actual, children)

    def person(self, person) -> dict:
        if not can_see_person(self.user, person):
            raise NotFound(f"person {person.pk} not found")
        actual = self.actual_by_owner.get(person.pk) or Decimal(0)
        return self._node("person", person.pk, str(person), actual, [])

    def _owner_in(self, owner_id, unit) -> bool:
        person = self.by_id.get(owner_id)
        return bool(person and person.unit and person.unit.path.startswith(unit.path))

    def _node(self, kind, pk, label, actual, children) -> dict:
        own = self.own.get((kind, pk))
        child_targets = [c["target"] for c in children if c["target"] is not None]
        children_sum = sum(child_targets, Decimal(0)) if child_targets else None
        target = own if own is not None else children_sum
        forecast = self._forecast(actual)
        node = {
            "kind": kind, "id": pk, "label": label, "own_target": own, "target": target,
            "actual": actual, "attainment": actual / target if target else None,
            "forecast": forecast,
            "forecast_attainment": forecast / target if target and forecast is not None
            else None,
            "cascade": None, "children": children,
        }
        if own is not None and children_sum is not None:
            node["cascade"] = {"children_sum": children_sum, "gap": own - children_sum,
                               "adds_up": own == children_sum}
        node["behind"] = bool(target and forecast is not None and forecast < target)
        if node["behind"]:
            self.behind.append({"kind": kind, "id": pk, "label": label, "target": target,
                                "forecast": forecast, "actual": actual})
        return node

    def _forecast(self, actual: Decimal) -> Decimal | None:
        """Run-rate to the end of the span: actual so far / days elapsed x all days."""
        if self.today < self.span.start:
            return None
        if self.today >= self.span.end:
            return actual
        elapsed = (self.today - self.span.start).days + 1
        return actual * self.span.days / elapsed
