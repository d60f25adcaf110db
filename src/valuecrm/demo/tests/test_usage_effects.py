"""The demo's usage and approvals carry the effects the value report should find:
adoption rises after go-live, some teams leave useful features unused, approvals get
faster after go-live."""

from datetime import timedelta
from statistics import median

import pytest

from valuecrm.approvals.models import ApprovalRequest, ApprovalStep
from valuecrm.org.models import User
from valuecrm.usage.models import UsageEvent
from valuecrm.usage.queries import summary, underused_features

pytestmark = pytest.mark.django_db


def test_usage_starts_at_go_live_and_adoption_rises(demo):
    admin = User.objects.get(username="admin")
    assert not UsageEvent.objects.filter(occurred_at__date__lt=demo.go_live_date).exists()
    first = summary(admin, demo.go_live_date, demo.go_live_date + timedelta(days=27))
    last = summary(admin, demo.anchor_date - timedelta(days=28),
                   demo.anchor_date - timedelta(days=1))
    assert last["dau"] > first["dau"] * 1.4
    assert last["stickiness"] > first["stickiness"]


def test_some_teams_leave_useful_features_unused(demo):
    admin = User.objects.get(username="admin")
    start = demo.anchor_date - timedelta(days=90)
    gaps = {(row["name"], row["feature"]) for row in underused_features(
        admin, start, demo.anchor_date - timedelta(days=1)) if row["share"] == 0}
    assert {("广州组", "pool"), ("广州组", "focus"), ("北京二组", "reports")} <= gaps
    assert not any(name == "上海一组" for name, _feature in gaps)


def test_approvals_get_faster_after_go_live(demo):
    decided = ApprovalRequest.objects.filter(status=ApprovalRequest.Status.APPROVED)
    before = [r.cycle_seconds for r in decided if r.submitted_at.date() < demo.go_live_date]
    after = [r.cycle_seconds for r in decided if r.submitted_at.date() >= demo.go_live_date]
    assert before and after
    assert median(after) < median(before) / 2
    for request in decided[:20]:
        steps = list(request.steps.order_by("position"))
        assert steps[0].activated_at == request.submitted_at
        assert steps[-1].decided_at == request.decided_at
        assert all(s.status == ApprovalStep.Status.APPROVED and s.decided_by_id for s in steps)
        assert request.cycle_seconds == pytest.approx(
            sum(s.waiting_seconds + s.handling_seconds for s in steps), abs=len(steps))
