"""Reading approvals: what a person may see, their inbox, cycle times, and the event log
that process analysis reads."""

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from valuecrm.approvals.models import ApprovalRequest, ApprovalStep


def _approver_q(user, prefix: str = "") -> Q:
    """Steps `user` may decide: named, or by their role (in their unit, or anywhere)."""
    mine = Q(**{f"{prefix}approver": user})
    by_role = Q(**{f"{prefix}approver__isnull": True, f"{prefix}approver_role": user.role})
    unit = Q(**{f"{prefix}approver_unit__isnull": True})
    if user.unit_id:
        unit |= Q(**{f"{prefix}approver_unit": user.unit_id})
    return mine | (by_role & unit)


def requests_for(user):
    """Requests `user` may read: those in their data scope plus those with a step they
    decide (an approver outside the requester's team still sees what they approve)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ApprovalRequest.objects.none()
    scoped = ApprovalRequest.objects.visible_to(user).values("pk")
    deciding = ApprovalStep.objects.filter(_approver_q(user)).values("request_id")
    return ApprovalRequest.objects.filter(Q(pk__in=scoped) | Q(pk__in=deciding))


def inbox(user):
    """Steps waiting for `user`'s decision, oldest first."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_read_only:
        return ApprovalStep.objects.none()
    return (ApprovalStep.objects.filter(_approver_q(user), status=ApprovalStep.Status.PENDING,
                                        request__status=ApprovalRequest.Status.PENDING)
            .select_related("request", "request__contract", "request__owner")
            .order_by("activated_at", "pk"))


def submitted_by(user):
    """Requests `user` submitted, newest first."""
    return (requests_for(user).filter(requested_by=user)
            .select_related("contract", "flow").prefetch_related("steps")
            .order_by("-submitted_at", "-pk"))


def is_overdue(step: ApprovalStep, now=None) -> bool:
    return (step.status == ApprovalStep.Status.PENDING and step.activated_at is not None
            and step.activated_at + timedelta(hours=step.sla_hours) <= (now or timezone.now()))


def overdue_steps(user, now=None) -> list[ApprovalStep]:
    """Steps waiting past their SLA on requests `user` may read (theirs, their team's, or
    waiting for them), longest overdue first. Pending steps are few, so the SLA is
    compared here rather than in database-specific interval arithmetic."""
    now = now or timezone.now()
    pending = (ApprovalStep.objects.filter(
        request__in=requests_for(user).filter(status=ApprovalRequest.Status.PENDING)
        .values("pk"), status=ApprovalStep.Status.PENDING)
        .select_related("request", "request__contract", "request__owner", "approver"))
    late = [s for s in pending if is_overdue(s, now)]
    return sorted(late, key=lambda s: s.activated_at + timedelta(hours=s.sla_hours))


def approval_event_log(user) -> Iterator[tuple[str, str, object, str]]:
    """(case_id, activity, timestamp, resource) of every approval the user may see, in
    time order per case: "submitted" by the requester, then per step "<step> reached",
    "<step> opened" and "<step> approved|rejected" by the approver; a request's case id is
    "approval-<id>". Registered as the "approvals" source of process analysis."""
    requests = requests_for(user).select_related("requested_by").order_by("submitted_at", "pk")
    steps: dict[int, list[ApprovalStep]] = {}
    for step in (ApprovalStep.objects.filter(request__in=requests.values("pk"))
                 .exclude(activated_at=None).select_related("decided_by")
                 .order_by("request_id", "position")):
        steps.setdefault(step.request_id, []).append(step)
    for request in requests.iterator(chunk_size=2000):
        case = f"approval-{request.pk}"
        yield case, "submitted", request.submitted_at, request.requested_by.username
        for step in steps.get(request.pk, []):
            approver = step.decided_by.username if step.decided_by_id else (
                step.approver_role or "")
            yield case, f"{step.name} reached", step.activated_at, "system"
            if step.opened_at and step.opened_at != step.decided_at:
                yield case, f"{step.name} opened", step.opened_at, approver
            if step.decided_at and step.status in (ApprovalStep.Status.APPROVED,
                                                   ApprovalStep.Status.REJECTED):
                yield case, f"{step.name} {step.status}", step.decided_at, approver
