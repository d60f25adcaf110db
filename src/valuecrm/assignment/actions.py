"""Assigning leads by rule, and reassigning them by hand with a reason.

Rules are company configuration, so the write they cause is made as the system user; the
person (or job) whose action triggered it is recorded as the actor of the LeadAssignment.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.assignment.models import AssignmentMember, AssignmentRule, LeadAssignment
from valuecrm.core.errors import ValidationError
from valuecrm.core.records import lock_for_write, update_record
from valuecrm.crm.models import Lead
from valuecrm.notifications.actions import Notice, notify
from valuecrm.notifications.models import Notification
from valuecrm.org.actions import system_user
from valuecrm.org.models import Role, User
from valuecrm.webhooks.actions import emit

OPEN_STATUSES = (Lead.Status.NEW, Lead.Status.WORKING, Lead.Status.QUALIFIED)
_EPOCH = datetime.min.replace(tzinfo=timezone.get_fixed_timezone(0))


def _members(rule: AssignmentRule) -> list[AssignmentMember]:
    """The rule's active members, locked; without listed members, every active rep of the
    unit's subtree (their rows are created so the rotation state is kept)."""
    if not rule.members.exists():
        reps = User.objects.filter(
            is_active=True, role=Role.REP, unit__path__startswith=rule.unit.path
        )
        AssignmentMember.objects.bulk_create(
            [AssignmentMember(rule=rule, user=rep) for rep in reps], ignore_conflicts=True
        )
    return list(
        AssignmentMember.objects.select_for_update()
        .filter(rule=rule, is_active=True, user__is_active=True)
        .order_by("id")
    )


def _pick(rule: AssignmentRule, members: list[AssignmentMember]) -> AssignmentMember | None:
    if rule.max_open_leads is not None:
        open_counts = dict(
            Lead.objects.filter(owner_id__in=[m.user_id for m in members],
                                status__in=OPEN_STATUSES)
            .values_list("owner_id").annotate(n=Count("id")).values_list("owner_id", "n")
        )
        members = [m for m in members if open_counts.get(m.user_id, 0) < rule.max_open_leads]
    if not members:
        return None
    if rule.method == AssignmentRule.Method.WEIGHTED:
        return min(members, key=lambda m: ((m.assigned_count + 1) / m.weight,
                                           m.last_assigned_at or _EPOCH, m.pk))
    return min(members, key=lambda m: (m.last_assigned_at or _EPOCH, m.pk))


def _tell_new_owner(lead: Lead, owner_id: int, why: str) -> None:
    emit("lead.assigned", {"id": lead.pk, "owner": owner_id, "reason": why})
    notify(notices=[Notice(
        user_id=owner_id, kind=Notification.Kind.ASSIGNED,
        title=_("New lead: %(lead)s") % {"lead": lead}, body=why, url=f"/leads/{lead.pk}",
    )])


@transaction.atomic
def assign_lead(*, actor, lead_id: int) -> LeadAssignment | None:
    """Give the lead to the first matching rule's next member under their cap. None when no
    rule can take it (the lead keeps its current owner)."""
    system = system_user()
    lead = lock_for_write(system, Lead, lead_id)
    for rule in AssignmentRule.objects.filter(is_active=True).select_related("unit"):
        if not rule.matches(lead):
            continue
        member = _pick(rule, _members(rule))
        if member is None:
            continue
        now = timezone.now()
        previous = lead.owner_id
        update_record(actor=system, model=Lead, pk=lead.pk,
                      changes={"owner_id": member.user_id, "assigned_at": now},
                      reason=_("assigned by rule “%(rule)s”") % {"rule": rule.name})
        AssignmentMember.objects.filter(pk=member.pk).update(
            assigned_count=member.assigned_count + 1, last_assigned_at=now
        )
        _tell_new_owner(lead, member.user_id, rule.name)
        return LeadAssignment.objects.create(
            lead=lead, from_owner_id=previous, to_owner_id=member.user_id, rule=rule,
            reason=rule.name, actor=actor if actor.pk != system.pk else None, at=now,
        )
    return None


@transaction.atomic
def reassign_lead(*, actor, lead_id: int, owner_id: int, reason: str) -> Lead:
    """Hand a lead to someone else, saying why. Before the first contact the clock for time
    to first contact restarts, since the new owner has only just received it."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the lead changes hands.")]})
    lead = lock_for_write(actor, Lead, lead_id)
    if lead.owner_id == owner_id:
        raise ValidationError({"owner": [_("The lead already belongs to this person.")]})
    now = timezone.now()
    changes = {"owner_id": owner_id}
    if lead.first_contact_at is None:
        changes["assigned_at"] = now
    previous = lead.owner_id
    lead = update_record(actor=actor, model=Lead, pk=lead_id, changes=changes, reason=reason)
    LeadAssignment.objects.create(lead=lead, from_owner_id=previous, to_owner_id=owner_id,
                                  reason=reason, actor=actor, at=now)
    if owner_id != actor.pk:
        _tell_new_owner(lead, owner_id, reason)
    return lead


@transaction.atomic
def set_rule_members(
    *, actor, rule_id: int, members: list[tuple[int, int, bool]]
) -> AssignmentRule:
    """Replace a rule's members (user, weight, active), keeping the rotation state of
    people who stay."""
    rule = lock_for_write(actor, AssignmentRule, rule_id)
    users = set(User.objects.filter(pk__in=[m[0] for m in members], is_active=True)
                .values_list("pk", flat=True))
    missing = [user for user, _w, _a in members if user not in users]
    if missing:
        raise ValidationError({"user": [_("No such active people: %(ids)s.")
                                        % {"ids": ", ".join(map(str, missing))}]})
    rule.members.exclude(user_id__in=users).delete()
    for user, weight, active in members:
        if weight < 1:
            raise ValidationError({"weight": [_("A weight is at least 1.")]})
        AssignmentMember.objects.update_or_create(
            rule=rule, user_id=user, defaults={"weight": weight, "is_active": active}
        )
    return rule


def unassigned_leads():
    """Open leads nobody works: no owner, or held by the system user."""
    system = system_user()
    return Lead.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(owner__isnull=True) | Q(owner=system)
    )
