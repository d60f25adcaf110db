"""Submitting for approval, deciding steps, reminders past the SLA, and flow setup.

A contract whose amount or discount matches an active flow cannot become active until the
flow is approved: `sales.actions` asks `check_contract_status` on every status change;
setting a contract to "pending approval" submits it; the last approval activates it.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.approvals.models import (
    ApprovalFlow,
    ApprovalFlowStep,
    ApprovalRequest,
    ApprovalStep,
    Subject,
)
from valuecrm.core.errors import Conflict, Forbidden, NotFound, ValidationError
from valuecrm.core.records import create_record, ensure_can_write, lock_for_write, update_record
from valuecrm.notifications.actions import Notice, notify
from valuecrm.notifications.models import Notification
from valuecrm.org.models import OrgUnit, Role, User
from valuecrm.org.scope import unit_ancestor_ids
from valuecrm.sales.models import ZERO, Contract
from valuecrm.usage.actions import track
from valuecrm.webhooks.actions import emit

ROLES_BY_UNIT = {Role.REP, Role.MANAGER, Role.DEPARTMENT_HEAD}


def flow_for(*, subject: str, amount: Decimal, discount_percent: Decimal) -> ApprovalFlow | None:
    """The active flow that applies (the lowest priority number wins), if any."""
    for flow in ApprovalFlow.objects.filter(is_active=True, subject=subject):
        if flow.applies(amount=amount, discount_percent=discount_percent):
            return flow
    return None


def terms(contract: Contract) -> tuple[Decimal, Decimal]:
    """What an approval of a contract covers: its total and its largest line discount."""
    top = contract.lines.aggregate(top=Max("discount_percent"))["top"]
    return contract.total_amount, top if top is not None else ZERO


def contract_flow(contract: Contract) -> ApprovalFlow | None:
    amount, discount = terms(contract)
    return flow_for(subject=Subject.CONTRACT, amount=amount, discount_percent=discount)


def is_approved(contract: Contract) -> bool:
    """An approval covers the contract's current terms (not a smaller amount or discount)."""
    amount, discount = terms(contract)
    return contract.approval_requests.filter(
        subject=Subject.CONTRACT, status=ApprovalRequest.Status.APPROVED,
        amount__gte=amount, discount_percent__gte=discount,
    ).exists()


def check_contract_status(*, actor, contract: Contract, previous_status: str | None,
                          previous_terms: tuple[Decimal, Decimal] | None = None) -> None:
    """Called by sales.actions after a contract is created or changed.

    An active contract whose amount or discount grows beyond what was approved goes back to
    pending approval with a request for the new terms (a change that no flow covers, or
    that an earlier approval already covers, keeps it active)."""
    if contract.status == previous_status:
        if (contract.status == Contract.Status.ACTIVE and previous_terms is not None
                and _grew(terms(contract), previous_terms) and contract_flow(contract)
                and not is_approved(contract)):
            submit_for_approval(actor=actor, contract_id=contract.pk,
                                reason=_("amount or discount changed after activation"))
        return
    if contract.status == Contract.Status.ACTIVE:
        flow = contract_flow(contract)
        if flow is not None and not is_approved(contract):
            raise Conflict(
                _("Contract %(number)s needs approval (%(flow)s) before it becomes active: "
                  "set it to pending approval to submit it.")
                % {"number": contract.number, "flow": flow.name},
                code="approval_required",
            )
    elif contract.status == Contract.Status.PENDING_APPROVAL:
        submit_for_approval(actor=actor, contract_id=contract.pk)
    if previous_status == Contract.Status.PENDING_APPROVAL:
        _withdraw(actor=actor, contract=contract)


def _grew(now: tuple[Decimal, Decimal], before: tuple[Decimal, Decimal]) -> bool:
    return now[0] > before[0] or now[1] > before[1]


def _approver_unit(role: str, owner: User) -> OrgUnit:
    """The nearest unit at or above the owner's with an active holder of `role`."""
    ancestors = unit_ancestor_ids(owner.unit) if owner.unit_id else []
    holders = set(User.objects.filter(role=role, is_active=True, unit_id__in=ancestors)
                  .values_list("unit_id", flat=True))
    for unit_id in reversed(ancestors):
        if unit_id in holders:
            return OrgUnit.objects.get(pk=unit_id)
    raise Conflict(
        _("Nobody with the role %(role)s is above %(owner)s to approve this.")
        % {"role": Role(role).label, "owner": owner}, code="no_approver")


def _instantiate(flow: ApprovalFlow, request: ApprovalRequest) -> list[ApprovalStep]:
    steps = []
    for template in flow.steps.all():
        unit = (_approver_unit(template.approver_role, request.owner)
                if template.approver_role in ROLES_BY_UNIT else None)
        steps.append(ApprovalStep(
            request=request, position=template.position, name=template.name,
            approver=template.approver, approver_role=template.approver_role,
            approver_unit=unit, sla_hours=template.sla_hours))
    if not steps:
        raise Conflict(_("The flow %(flow)s has no steps.") % {"flow": flow.name},
                       code="flow_without_steps")
    return ApprovalStep.objects.bulk_create(steps)


def approvers(step: ApprovalStep) -> list[User]:
    """Everyone who may decide the step (to tell them)."""
    if step.approver_id:
        return [step.approver]
    people = User.objects.filter(role=step.approver_role, is_active=True)
    if step.approver_unit_id:
        people = people.filter(unit_id=step.approver_unit_id)
    return list(people)


def _activate(step: ApprovalStep, now) -> None:
    step.status, step.activated_at = ApprovalStep.Status.PENDING, now
    step.save(update_fields=["status", "activated_at"])
    request = step.request
    title = _("Approval waiting: %(request)s") % {"request": request}
    notify(notices=[
        Notice(user_id=person.pk, kind=Notification.Kind.APPROVAL, title=title,
               body=_("Step %(step)s; please decide within %(hours)s hours.")
               % {"step": step.name, "hours": step.sla_hours},
               url=f"/api/v1/approvals/{request.pk}", dedupe_key=f"approval:{step.pk}")
        for person in approvers(step)])


def payload(request: ApprovalRequest) -> dict:
    return {"id": request.pk, "subject": request.subject, "contract": request.contract_id,
            "amount": request.amount, "discount_percent": request.discount_percent,
            "flow": request.flow_id, "status": request.status, "owner": request.owner_id}


@transaction.atomic
def submit_for_approval(*, actor, contract_id: int, subject: str = Subject.CONTRACT,
                        amount: Decimal | None = None, reason: str = "",
                        refund=None) -> ApprovalRequest:
    """Start the flow that applies to a contract (or to a refund of `amount` on it; a
    `refund` record is settled by the decision: sales.actions.request_refund)."""
    contract = lock_for_write(actor, Contract, contract_id)
    if subject == Subject.CONTRACT:
        amount, discount = terms(contract)
    elif amount is None or amount <= 0:
        raise ValidationError({"amount": [_("Give the amount to refund.")]})
    else:
        discount = ZERO
    flow = flow_for(subject=subject, amount=amount, discount_percent=discount)
    if flow is None:
        raise Conflict(_("No approval flow applies to this; no approval is needed."),
                       code="approval_not_needed")
    if contract.approval_requests.filter(subject=subject,
                                         status=ApprovalRequest.Status.PENDING).exists():
        raise Conflict(_("This is already waiting for approval."), code="approval_pending")
    request = ApprovalRequest(
        flow=flow, subject=subject, contract=contract, amount=amount, discount_percent=discount,
        refund=refund, reason=reason, owner=contract.owner, requested_by=actor,
        submitted_at=timezone.now())
    request.full_clean()
    request._history_user = actor
    request.save()
    steps = _instantiate(flow, request)
    _activate(steps[0], request.submitted_at)
    if subject == Subject.CONTRACT and contract.status != Contract.Status.PENDING_APPROVAL:
        update_record(actor=actor, model=Contract, pk=contract.pk,
                      changes={"status": Contract.Status.PENDING_APPROVAL},
                      reason=_("submitted for approval"))
    emit("approval.requested", payload(request))
    track(actor, "approvals", "submit")
    return request


def _current_step(request: ApprovalRequest) -> ApprovalStep:
    step = request.steps.select_for_update().filter(status=ApprovalStep.Status.PENDING).first()
    if step is None:
        raise Conflict(_("This request is not waiting for a decision."), code="approval_closed")
    return step


def _lock_request(actor, request_id) -> ApprovalRequest:
    from valuecrm.approvals.queries import requests_for

    try:
        return requests_for(actor).select_for_update().get(pk=request_id)
    except (ApprovalRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("approval request %(pk)s not found") % {"pk": request_id}) from None


@transaction.atomic
def open_request(*, actor, request_id: int) -> ApprovalRequest:
    """An approver looks at the request: the current step's waiting time ends here."""
    request = _lock_request(actor, request_id)
    step = request.steps.filter(status=ApprovalStep.Status.PENDING, opened_at=None).first()
    if step is not None and step.may_decide(actor):
        step.opened_at = timezone.now()
        step.save(update_fields=["opened_at"])
    return request


@transaction.atomic
def decide(*, actor, request_id: int, approve: bool, comment: str = "") -> ApprovalRequest:
    """Approve or reject the current step. A rejection needs a comment and ends the
    request; the last approval ends it approved (activating the contract)."""
    ensure_can_write(actor)
    request = _lock_request(actor, request_id)
    if request.status != ApprovalRequest.Status.PENDING:
        raise Conflict(_("This request is already %(status)s.")
                       % {"status": request.get_status_display()}, code="approval_closed")
    step = _current_step(request)
    if not step.may_decide(actor):
        raise Forbidden(_("Step %(step)s is not yours to decide.") % {"step": step.name},
                        code="not_approver")
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": [_("Say why you reject it.")]})
    now = timezone.now()
    _close_step(step, actor=actor, now=now, comment=comment,
                status=ApprovalStep.Status.APPROVED if approve else ApprovalStep.Status.REJECTED)
    following = request.steps.filter(status=ApprovalStep.Status.WAITING).order_by("position")
    if approve and following.exists():
        _activate(following.first(), now)
    else:
        _finish(request, actor=actor, now=now, approved=approve)
    track(actor, "approvals", "approve" if approve else "reject")
    return request


def _close_step(step: ApprovalStep, *, actor, now, comment: str, status: str) -> None:
    step.opened_at = step.opened_at or now
    step.waiting_seconds = round((step.opened_at - step.activated_at).total_seconds())
    step.handling_seconds = round((now - step.opened_at).total_seconds())
    step.status, step.decided_at, step.decided_by, step.comment = status, now, actor, comment
    step._history_user = actor
    step.save()


def _finish(request: ApprovalRequest, *, actor, now, approved: bool) -> None:
    from valuecrm.org.actions import system_user

    request.steps.filter(status=ApprovalStep.Status.WAITING).update(
        status=ApprovalStep.Status.SKIPPED)
    request.status = (ApprovalRequest.Status.APPROVED if approved
                      else ApprovalRequest.Status.REJECTED)
    request.decided_at = now
    request.cycle_seconds = round((now - request.submitted_at).total_seconds())
    request._history_user = actor
    request.save()
    if request.refund_id is not None:
        from valuecrm.sales.actions import settle_refund

        settle_refund(refund_id=request.refund_id, refunded=approved, on=timezone.localdate(now),
                      reason=_("approval %(status)s by %(who)s")
                      % {"status": request.get_status_display(), "who": actor})
    if request.subject == Subject.CONTRACT:
        contract = request.contract
        changes = {"status": Contract.Status.DRAFT}
        if approved:
            changes = {"status": Contract.Status.ACTIVE,
                       "signed_date": contract.signed_date or timezone.localdate(now)}
        # The approver need not be able to edit the contract; the flow changes it, and its
        # history names the system with the decision as the reason.
        update_record(actor=system_user(), model=Contract, pk=contract.pk, changes=changes,
                      reason=_("approval %(status)s by %(who)s")
                      % {"status": request.get_status_display(), "who": actor})
    emit("approval.approved" if approved else "approval.rejected", payload(request))


def _withdraw(*, actor, contract: Contract) -> None:
    """The owner took a pending contract back (to draft): its open request ends."""
    for request in contract.approval_requests.filter(status=ApprovalRequest.Status.PENDING):
        request.steps.filter(status__in=[ApprovalStep.Status.WAITING,
                                         ApprovalStep.Status.PENDING]).update(
            status=ApprovalStep.Status.SKIPPED)
        request.status = ApprovalRequest.Status.WITHDRAWN
        request.decided_at = timezone.now()
        request._history_user = actor
        request.save()


def remind_overdue(*, now=None) -> int:
    """Tell the approvers of every step waiting longer than its SLA, once per step."""
    now = now or timezone.now()
    due = [s for s in ApprovalStep.objects.filter(
        status=ApprovalStep.Status.PENDING, reminded_at=None,
        request__status=ApprovalRequest.Status.PENDING).select_related("request")
        if s.activated_at + timedelta(hours=s.sla_hours) <= now]
    notices = [
        Notice(user_id=person.pk, kind=Notification.Kind.APPROVAL,
               title=_("Approval overdue: %(request)s") % {"request": step.request},
               body=_("Step %(step)s has waited more than %(hours)s hours.")
               % {"step": step.name, "hours": step.sla_hours},
               url=f"/api/v1/approvals/{step.request_id}",
               dedupe_key=f"approval-sla:{step.pk}")
        for step in due for person in approvers(step)]
    with transaction.atomic():
        notify(notices=notices)
        ApprovalStep.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
    return len(due)


@dataclass(frozen=True)
class StepInput:
    name: str
    approver_role: str = ""
    approver_id: int | None = None
    sla_hours: int = 24


@transaction.atomic
def create_flow(*, actor, data: dict, steps: list[StepInput]) -> ApprovalFlow:
    """An approval flow with its steps, in order (administrators only)."""
    if not steps:
        raise ValidationError({"steps": [_("A flow needs at least one step.")]})
    flow = create_record(actor=actor, model=ApprovalFlow, data=data)
    errors = {}
    for position, item in enumerate(steps, start=1):
        row = ApprovalFlowStep(flow=flow, position=position, name=item.name,
                               approver_role=item.approver_role, approver_id=item.approver_id,
                               sla_hours=item.sla_hours)
        try:
            row.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"steps.{position - 1}.{field}"] = messages
            continue
        row._history_user = actor
        row.save()
    if errors:
        raise ValidationError(errors)
    return flow
