"""Merging duplicate customers or leads into one survivor, losing nothing.

Everything attached to a merged record (contacts, opportunities, contracts, activities,
campaign messages, source-lead links; tags) moves to the survivor, each moved row with a
history entry naming the merge; logs about the merged record (ownership, tag changes) stay
with it. The survivor takes the field values the user chose (by default its own, with
blanks filled from the merged records) and a history entry listing what was merged into
it; each merged record is soft-deleted (recycle bin) with the reason "merged into … #id",
its own values untouched. The whole merge is one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _

from valuecrm.campaigns.models import Send
from valuecrm.core import records
from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.history import history_reason
from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.sales.models import Contract, Opportunity


@dataclass(frozen=True)
class MergeSpec:
    model: type[models.Model]
    fields: tuple[str, ...]  # the fields whose value the user may take from any record
    relations: tuple[tuple[type[models.Model], str], ...]  # (model, foreign key) moved
    # Relations deliberately left on the merged record (an audit log keeps its subject).
    kept: tuple[str, ...] = ()
    derived: Callable[[models.Model, list[models.Model]], dict] | None = None
    check: Callable[[models.Model, list[models.Model]], None] | None = None


def _customer_derived(survivor, merged) -> dict:
    times = [c.last_activity_at for c in [survivor, *merged] if c.last_activity_at]
    return {"last_activity_at": max(times)} if times else {}


def _lead_derived(survivor, merged) -> dict:
    changes = {}
    for name in ("assigned_at", "first_contact_at"):
        times = [getattr(lead, name) for lead in [survivor, *merged] if getattr(lead, name)]
        if times and min(times) != getattr(survivor, name):
            changes[name] = min(times)
    return changes


def _lead_check(survivor, merged) -> None:
    if any(lead.status == Lead.Status.CONVERTED for lead in merged):
        raise Conflict(
            _("A converted lead keeps the record of its conversion: make it the survivor, "
              "and merge at most one converted lead."),
            code="converted_lead_merged",
        )


CUSTOMER = MergeSpec(
    model=Customer,
    fields=("name", "industry", "size_tier", "region", "phone", "email", "lifecycle_stage",
            "channel", "owner"),
    # Campaign messages follow their contact to the survivor, so frequency caps and
    # conversions keep counting them.
    relations=((Contact, "customer"), (Opportunity, "customer"), (Contract, "customer"),
               (Activity, "customer"), (Lead, "converted_customer"),
               (Send, "customer")),
    kept=("ownership_changes", "tag_changes"),
    derived=_customer_derived,
)
LEAD = MergeSpec(
    model=Lead,
    fields=("name", "company_name", "phone", "email", "region", "industry", "channel",
            "owner"),
    relations=((Activity, "lead"),),
    derived=_lead_derived,
    check=_lead_check,
)


def _lock_all(actor, spec: MergeSpec, survivor_id: int, merged_ids: list[int]):
    if not merged_ids:
        raise ValidationError({"merged": [_("Choose at least one record to merge.")]})
    if survivor_id in merged_ids or len(set(merged_ids)) != len(merged_ids):
        raise ValidationError({"merged": [_("List each record once, apart from the survivor.")]})
    # One order for every merge, so two merges touching the same records cannot deadlock.
    locked = {pk: records.lock_for_write(actor, spec.model, pk)
              for pk in sorted([survivor_id, *merged_ids])}
    return locked[survivor_id], [locked[pk] for pk in merged_ids]


def _chosen_values(spec: MergeSpec, survivor, merged, field_choices: dict[str, int]) -> dict:
    unknown = set(field_choices) - set(spec.fields)
    if unknown:
        raise ValidationError({"field_choices": [
            _("These fields cannot be chosen: %(names)s. Choose from: %(fields)s.")
            % {"names": ", ".join(sorted(unknown)), "fields": ", ".join(spec.fields)}]})
    by_id = {obj.pk: obj for obj in [survivor, *merged]}
    changes = {}
    for name in spec.fields:
        attname = spec.model._meta.get_field(name).attname
        source_id = field_choices.get(name)
        if source_id is not None and source_id not in by_id:
            raise ValidationError({"field_choices": [
                _("%(field)s: take it from the survivor or a merged record.") % {"field": name}
            ]})
        if source_id is not None:
            value = getattr(by_id[source_id], attname)
        else:
            # Unchosen fields keep the survivor's value, or the first merged record's when
            # the survivor has none, so no known value is dropped.
            value = next((v for v in (getattr(o, attname) for o in [survivor, *merged])
                          if v not in ("", None)), getattr(survivor, attname))
        if value != getattr(survivor, attname):
            changes[attname] = value
    return changes


def _move_relations(actor, spec: MergeSpec, survivor, merged) -> None:
    label = spec.model._meta.verbose_name
    for related, fk in spec.relations:
        column = related._meta.get_field(fk).attname
        for row in related._base_manager.filter(**{f"{column}__in": [m.pk for m in merged]}):
            reason = history_reason(_("moved from merged %(kind)s #%(old)s to #%(new)s") % {
                "kind": label, "old": getattr(row, column), "new": survivor.pk})
            setattr(row, column, survivor.pk)
            if hasattr(row, "version"):
                row.version += 1
            row._history_user, row._change_reason = actor, reason
            row.save()


@transaction.atomic
def merge_records(*, actor, spec: MergeSpec, survivor_id: int, merged_ids: list[int],
                  field_choices: dict[str, int] | None = None):
    survivor, merged = _lock_all(actor, spec, survivor_id, list(merged_ids))
    if spec.check:
        spec.check(survivor, merged)
    changes = _chosen_values(spec, survivor, merged, field_choices or {})
    if spec.derived:
        changes.update(spec.derived(survivor, merged))
    _move_relations(actor, spec, survivor, merged)
    tags = {*survivor.tags.all()}.union(*(m.tags.all() for m in merged))
    label = spec.model._meta.verbose_name
    names = ", ".join(f"#{m.pk} {m}" for m in merged)
    survivor = records.update_record(
        actor=actor, model=spec.model, pk=survivor.pk, changes=changes, tags=list(tags),
        reason=history_reason(_("merged %(kind)s %(names)s into this one")
                              % {"kind": label, "names": names}),
    )
    for obj in merged:
        records.delete_record(
            actor=actor, model=spec.model, pk=obj.pk,
            reason=history_reason(_("merged into %(kind)s #%(pk)s")
                                  % {"kind": label, "pk": survivor.pk}),
        )
    return survivor


def merge_customers(*, actor, survivor_id: int, merged_ids: list[int],
                    field_choices: dict[str, int] | None = None) -> Customer:
    """Merge `merged_ids` into the customer `survivor_id`; `field_choices` maps a field
    to the id of the record whose value the survivor keeps."""
    return merge_records(actor=actor, spec=CUSTOMER, survivor_id=survivor_id,
                         merged_ids=merged_ids, field_choices=field_choices)


def merge_leads(*, actor, survivor_id: int, merged_ids: list[int],
                field_choices: dict[str, int] | None = None) -> Lead:
    """Merge `merged_ids` into the lead `survivor_id` (activities and tags move; the
    earliest assignment and first contact are kept)."""
    return merge_records(actor=actor, spec=LEAD, survivor_id=survivor_id,
                         merged_ids=merged_ids, field_choices=field_choices)
