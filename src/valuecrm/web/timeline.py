"""A record's timeline: its activities, stage changes and field history, newest first,
each read within the viewer's scope."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valuecrm.core.history import record_history
from valuecrm.crm.models import Activity
from valuecrm.sales.models import OpportunityStageChange

ACTIONS = {"created": gettext_lazy("created"), "changed": gettext_lazy("changed"),
           "deleted": gettext_lazy("deleted")}


@dataclass
class Entry:
    at: datetime
    kind: str  # "activity", "stage" or "history"
    title: str
    actor: str = ""
    text: str = ""
    changes: list = field(default_factory=list)
    activity: Activity | None = None


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _value(model, name: str, value):
    """A history value as a person reads it: a choice's label, a related record's name, a
    local time, rather than the stored code, id or UTC timestamp."""
    if value is None or value == "":
        return "—"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.many_to_one:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value)
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else value
    return value


def _history(obj) -> list[Entry]:
    model = type(obj)
    entries = []
    for row in record_history(obj):
        action = str(ACTIONS.get(row["action"], row["action"]))
        changes = [
            {"field": _label(model, c["field"]), "old": _value(model, c["field"], c["old"]),
             "new": _value(model, c["field"], c["new"])}
            for c in row["changes"]
        ]
        if row["action"] == "changed" and not changes and not row["reason"]:
            continue
        entries.append(Entry(at=row["at"], kind="history", title=row["reason"] or action,
                             actor=row["actor"] or "", changes=changes))
    return entries


def _activities(user, **where) -> list[Entry]:
    rows = Activity.objects.visible_to(user).filter(**where).select_related("owner")[:200]
    return [Entry(at=a.started_at, kind="activity", title=a.get_kind_display(),
                  actor=str(a.owner), text=" — ".join(x for x in (a.subject, a.outcome) if x),
                  activity=a)
            for a in rows]


def _stage_changes(opportunity_ids) -> list[Entry]:
    rows = OpportunityStageChange.objects.filter(
        opportunity_id__in=opportunity_ids
    ).select_related("from_stage", "to_stage", "actor", "opportunity")
    return [Entry(at=c.changed_at, kind="stage",
                  title=_("Stage: %(old)s → %(new)s") % {
                      "old": c.from_stage or "—", "new": c.to_stage},
                  actor=str(c.actor or ""), text=str(c.opportunity))
            for c in rows]


def timeline(obj, user, *, opportunity_ids=(), **activity_filter) -> list[Entry]:
    """`obj`'s history, plus the activities matching `activity_filter` and the stage changes
    of `opportunity_ids` (already limited to what `user` sees by the caller)."""
    entries = _history(obj)
    if activity_filter:
        entries += _activities(user, **activity_filter)
    if opportunity_ids:
        entries += _stage_changes(opportunity_ids)
    return sorted(entries, key=lambda e: e.at, reverse=True)
