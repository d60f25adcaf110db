"""Writes of the segments app: segments, tag rules, hand tagging, and the rule run.

The rule run is set-based: per rule, a few INSERT ... SELECT / DELETE statements add the tag
to new matches, take it back from customers that stopped matching, and log each change with
its reason, whatever the number of customers.
"""

from django.db import transaction
from django.db.models import CharField, DateTimeField, Exists, IntegerField, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Forbidden, NotFound
from valuecrm.core.records import ensure_can_write
from valuecrm.core.sql import insert_from_select
from valuecrm.crm.models import Customer, Tag
from valuecrm.org.scope import can_run_campaigns
from valuecrm.segments.conditions import compile_definition
from valuecrm.segments.models import Segment, TagChange, TagRule, TagRuleMember

Through = Customer.tags.through


def _ensure_marketer(actor):
    ensure_can_write(actor)
    if not can_run_campaigns(actor):
        raise Forbidden(_("Only managers and administrators manage segments and tag rules."),
                        code="marketing_only")


def _write(actor, obj, data: dict):
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


@transaction.atomic
def create_segment(*, actor, name: str, definition: dict, description: str = "") -> Segment:
    _ensure_marketer(actor)
    return _write(actor, Segment(owner=actor), {"name": name, "definition": definition,
                                                "description": description})


@transaction.atomic
def update_segment(*, actor, segment_id: int, **data) -> Segment:
    segment = Segment.objects.editable_by(actor).select_for_update().filter(
        pk=segment_id).first()
    if segment is None:
        raise NotFound(f"segment {segment_id} not found")
    _ensure_marketer(actor)
    return _write(actor, segment, {k: v for k, v in data.items() if v is not None})


@transaction.atomic
def create_tag_rule(*, actor, name: str, tag_id: int, definition: dict) -> TagRule:
    _ensure_marketer(actor)
    if not Tag.objects.filter(pk=tag_id).exists():
        raise NotFound(f"tag {tag_id} not found")
    return _write(actor, TagRule(), {"name": name, "tag_id": tag_id, "definition": definition})


@transaction.atomic
def tag_customer(*, actor, customer_id: int, tag_id: int, add: bool = True, reason: str = "",
                 source: str = TagChange.Source.HAND) -> bool:
    """Add (or remove) a tag by hand or by import; logged. True if something changed."""
    ensure_can_write(actor)
    customer = Customer.objects.editable_by(actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    tag = Tag.objects.filter(pk=tag_id).first()
    if tag is None:
        raise NotFound(f"tag {tag_id} not found")
    has = customer.tags.filter(pk=tag_id).exists()
    if has == add:
        return False
    customer._history_user = actor
    (customer.tags.add if add else customer.tags.remove)(tag)
    TagChange.objects.create(tag=tag, customer=customer, source=source, actor=actor,
                             action=TagChange.Action.ADDED if add else TagChange.Action.REMOVED,
                             reason=reason)
    return True


def _log(select, *, rule, action, actor, when) -> int:
    """One TagChange row per customer id in `select` (a values_list of customer pks)."""
    constants = {
        "tag_id": Value(rule.tag_id, output_field=IntegerField()),
        "action": Value(action, output_field=CharField()),
        "source": Value(TagChange.Source.RULE, output_field=CharField()),
        "rule_id": Value(rule.pk, output_field=IntegerField()),
        "reason": Value(_("Rule “%(name)s”") % {"name": rule.name}, output_field=CharField()),
        "actor_id": Value(actor.pk, output_field=IntegerField()),
        "at": Value(when, output_field=DateTimeField()),
    }
    return insert_from_select(TagChange, ["customer_id", *constants],
                              select.values_list("pk", *constants.values()))


@transaction.atomic
def apply_tag_rule(*, actor, rule: TagRule, when=None) -> dict:
    """Bring the rule's tag in line with its definition: add to new matches, take back from
    customers that no longer match (unless another active rule of the same tag holds them),
    and log every change. Returns {"added": n, "removed": n}."""
    when = when or timezone.now()
    matching = Customer.objects.filter(compile_definition(rule.definition))
    members = TagRuleMember.objects.filter(rule=rule)
    tagged = Through.objects.filter(customer_id=OuterRef("pk"), tag_id=rule.tag_id)
    new = matching.exclude(pk__in=members.values("customer_id")).order_by()
    added = _log(new.exclude(Exists(tagged)), rule=rule, action=TagChange.Action.ADDED,
                 actor=actor, when=when)
    insert_from_select(Through, ["customer_id", "tag_id"], new.exclude(Exists(tagged))
                       .values_list("pk", Value(rule.tag_id, output_field=IntegerField())))
    insert_from_select(TagRuleMember, ["customer_id", "rule_id", "since"], new.values_list(
        "pk", Value(rule.pk, output_field=IntegerField()),
        Value(when, output_field=DateTimeField())))

    gone = members.exclude(customer_id__in=matching.values("pk"))
    held_elsewhere = TagRuleMember.objects.filter(
        rule__tag_id=rule.tag_id, rule__is_active=True, customer_id=OuterRef("pk")
    ).exclude(rule=rule)
    release = Customer.all_objects.filter(pk__in=gone.values("customer_id")).exclude(
        Exists(held_elsewhere)).order_by()
    removed = _log(release.filter(Exists(tagged)), rule=rule, action=TagChange.Action.REMOVED,
                   actor=actor, when=when)
    Through.objects.filter(tag_id=rule.tag_id, customer_id__in=release.values("pk")).delete()
    gone.delete()
    TagRule.objects.filter(pk=rule.pk).update(last_run_at=when)
    return {"added": added, "removed": removed}


def apply_tag_rules(*, actor=None) -> dict[str, dict]:
    """Run every active rule (the periodic job and `valuecrm segments apply-rules`)."""
    from valuecrm.org.actions import system_user

    actor = actor or system_user()
    return {rule.name: apply_tag_rule(actor=actor, rule=rule)
            for rule in TagRule.objects.filter(is_active=True)}
