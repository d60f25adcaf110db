"""The demo's usage events and approvals.

Usage starts at go-live (the old system recorded nothing): the share of people active on a
working day rises over four months, each person adopts each feature some time after its
release, and two teams never take up some useful features. Events are aggregated to one
per person, day and feature used (a page view or API call), with one session a day.

Approvals: contracts above the flows' thresholds get a request whose steps were waited on
and handled for log-normal times, much shorter after go-live; the request ends when the
contract is signed. They use their own random streams so the rest of the demo is unchanged.
"""

import math
import random
from datetime import date, datetime, timedelta

from valuecrm.approvals.models import (
    ApprovalFlow,
    ApprovalFlowStep,
    ApprovalRequest,
    ApprovalStep,
    Subject,
)
from valuecrm.demo import params
from valuecrm.demo.sink import Sink
from valuecrm.demo.timeline import Timeline
from valuecrm.org.models import Role, User
from valuecrm.sales.models import ZERO, Contract
from valuecrm.usage.models import FeatureRelease, UsageDay, UsageEvent

LEADERS = {Role.MANAGER, Role.DEPARTMENT_HEAD}


def build_usage(*, seed: int, timeline: Timeline, users: list[User], sink: Sink) -> None:
    rng = random.Random(f"usage-{seed}")
    go_live = timeline.go_live
    FeatureRelease.objects.bulk_create([
        FeatureRelease(feature=key, released_on=go_live + timedelta(days=offset),
                       note="demo")
        for key, (offset, _p, _m) in params.USAGE_FEATURES.items()])
    teams = {u.pk: u.username.split("-")[0] for u in users}
    for user in sorted(users, key=lambda u: u.username):
        if user.role not in (Role.REP, *LEADERS):
            continue
        adopted = _adoption_days(rng, go_live, teams[user.pk])
        _person_usage(rng, timeline, user, adopted, sink)


def _adoption_days(rng, go_live: date, team: str) -> dict[str, date]:
    gaps = params.USAGE_TEAM_GAPS.get(team, set())
    return {key: go_live + timedelta(days=offset + round(rng.expovariate(1 / mean)))
            for key, (offset, _p, mean) in params.USAGE_FEATURES.items() if key not in gaps}


def _person_usage(rng, timeline: Timeline, user: User, adopted: dict[str, date],
                  sink: Sink) -> None:
    day = timeline.go_live
    while day < timeline.anchor:
        ramp = min(1.0, (day - timeline.go_live).days / params.USAGE_RAMP_DAYS)
        share = params.USAGE_ACTIVE_START + ramp * (
            params.USAGE_ACTIVE_END - params.USAGE_ACTIVE_START)
        if day.weekday() < 5 and rng.random() < share:
            _active_day(rng, timeline, user, day, adopted, sink)
        day += timedelta(days=1)


def _active_day(rng, timeline, user, day, adopted, sink) -> None:
    session = f"d{user.pk:05d}{day:%y%m%d}00"[:17]
    hour = rng.randint(9, 17)
    used = False
    for key, (_offset, chance, _mean) in params.USAGE_FEATURES.items():
        if key not in adopted or day < adopted[key]:
            continue
        if user.role in LEADERS:
            chance = min(1.0, chance * params.USAGE_LEADER_BOOST.get(key, 1.0))
        if rng.random() >= chance:
            continue
        used = True
        sink.new(UsageEvent, user_id=user.pk, unit_id=user.unit_id, feature=key,
                 action="page_view" if rng.random() < 0.8 else "api_call",
                 occurred_at=timeline.at(day, hour, rng.randint(0, 59)),
                 duration_ms=round(rng.lognormvariate(math.log(120), 0.5)), session=session)
    if used:
        sink.new(UsageDay, user_id=user.pk, unit_id=user.unit_id, day=day)


def build_flows() -> list[ApprovalFlow]:
    flows = []
    for priority, (name, amount, discount, steps) in enumerate(params.APPROVAL_FLOWS, 1):
        flow = ApprovalFlow.objects.create(name=name, min_amount=amount,
                                           min_discount_percent=discount, priority=priority)
        for position, (step, role, sla) in enumerate(steps, 1):
            ApprovalFlowStep.objects.create(flow=flow, position=position, name=step,
                                            approver_role=role, sla_hours=sla)
        flows.append(flow)
    return flows


class Approvals:
    """Approval requests for generated contracts, with their step times."""

    def __init__(self, *, seed: int, timeline: Timeline, sink: Sink, users: dict[str, User]):
        self.rng = random.Random(f"approvals-{seed}")
        self.timeline, self.sink = timeline, sink
        self.flows = [(f, list(f.steps.all())) for f in build_flows()]
        self.approvers = {(u.role, u.unit_id): u for u in users.values()
                          if u.role in LEADERS and u.unit_id}
        self.units = {u.pk: u.unit for u in users.values()}

    def for_contract(self, contract: Contract, lines, signed: datetime) -> None:
        discount = max((line.discount_percent for line in lines), default=ZERO)
        flow, steps = next(((f, s) for f, s in self.flows if f.applies(
            amount=contract.total_amount, discount_percent=discount)), (None, None))
        if flow is None:
            return
        era = 1 if signed >= self.timeline.go_live_at else 0
        times = [(self._seconds(params.APPROVAL_WAIT_HOURS[era]),
                  self._seconds(params.APPROVAL_HANDLE_HOURS[era])) for _ in steps]
        pending = contract.status == Contract.Status.PENDING_APPROVAL
        start = signed - timedelta(seconds=sum(w + h for w, h in times)) if not pending else signed
        request = self.sink.new(
            ApprovalRequest, flow_id=flow.pk, subject=Subject.CONTRACT, contract_id=contract.pk,
            amount=contract.total_amount, discount_percent=discount, owner_id=contract.owner_id,
            requested_by_id=contract.owner_id, submitted_at=start,
            status=ApprovalRequest.Status.PENDING if pending else ApprovalRequest.Status.APPROVED,
            decided_at=None if pending else signed,
            cycle_seconds=None if pending else round((signed - start).total_seconds()))
        at = start
        for index, (template, (wait, handle)) in enumerate(zip(steps, times, strict=True)):
            approver = self._approver(template.approver_role, contract.owner_id)
            values = {"request_id": request.pk, "position": template.position,
                      "name": template.name, "approver_role": template.approver_role,
                      "approver_unit_id": approver.unit_id if approver else None,
                      "sla_hours": template.sla_hours}
            if pending:
                status = (ApprovalStep.Status.PENDING if index == 0
                          else ApprovalStep.Status.WAITING)
                self.sink.new(ApprovalStep, status=status,
                              activated_at=at if index == 0 else None, **values)
                continue
            opened, decided = at + timedelta(seconds=wait), at + timedelta(seconds=wait + handle)
            late = wait + handle > template.sla_hours * 3600
            self.sink.new(ApprovalStep, status=ApprovalStep.Status.APPROVED, activated_at=at,
                          opened_at=opened, decided_at=decided, decided_by_id=approver.pk,
                          waiting_seconds=wait, handling_seconds=handle,
                          reminded_at=at + timedelta(hours=template.sla_hours) if late else None,
                          **values)
            at = decided

    def _seconds(self, median_hours: float) -> int:
        return round(self.rng.lognormvariate(math.log(median_hours), 0.8) * 3600)

    def _approver(self, role: str, owner_id: int) -> User | None:
        unit = self.units.get(owner_id)
        while unit is not None:
            if (role, unit.pk) in self.approvers:
                return self.approvers[(role, unit.pk)]
            unit = unit.parent
        return None

