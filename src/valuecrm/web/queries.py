"""Reads behind the workbench, each within the reader's data scope."""

from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from valuecrm.crm.models import Activity, Lead
from valuecrm.org.queries import visible_users
from valuecrm.sales.models import ZERO, Opportunity, PaymentPlan, Stage

OPEN_LEAD = (Lead.Status.NEW, Lead.Status.WORKING, Lead.Status.QUALIFIED)
STALLED_AFTER_DAYS = 30
ACTIVITY_WINDOW_DAYS = 30


def open_leads(user, limit=10):
    qs = Lead.objects.visible_to(user).filter(owner=user, status__in=OPEN_LEAD)
    return qs.select_related("channel").order_by("-created_at", "-pk")[:limit], qs.count()


def upcoming_activities(user, limit=10):
    """My activities from the start of today on: what is planned or happening today."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (Activity.objects.visible_to(user).filter(owner=user, started_at__gte=today)
            .select_related("lead", "customer", "opportunity").order_by("started_at")[:limit])


def overdue_plans(user, limit=10):
    return (PaymentPlan.objects.visible_to(user).overdue()
            .annotate(outstanding=F("amount") - F("received_amount"))
            .select_related("contract", "contract__customer").order_by("due_date")[:limit])


def funnel(user) -> list[dict]:
    """Open opportunities per open stage, in pipeline order: count and amount."""
    rows = (Opportunity.objects.visible_to(user).filter(stage__outcome=Stage.Outcome.OPEN)
            .values("stage").annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
            .order_by())
    by_stage = {row["stage"]: row for row in rows}
    stages = Stage.objects.visible_to(user).filter(is_active=True, outcome=Stage.Outcome.OPEN)
    return [{"stage": stage, "count": by_stage.get(stage.pk, {}).get("count", 0),
             "amount": by_stage.get(stage.pk, {}).get("amount", ZERO)} for stage in stages]


def activity_per_rep(user) -> list[dict]:
    """Calls, visits and call minutes over the last 30 days for each person the user sees."""
    since = timezone.now() - timedelta(days=ACTIVITY_WINDOW_DAYS)
    call, visit = Q(activities__kind=Activity.Kind.CALL), Q(activities__kind=Activity.Kind.VISIT)
    recent = Q(activities__started_at__gte=since)
    people = visible_users(user).annotate(
        calls=Count("activities", filter=recent & call),
        visits=Count("activities", filter=recent & visit),
        total=Count("activities", filter=recent),
        call_seconds=Coalesce(Sum("activities__duration_seconds", filter=recent & call), 0),
    ).filter(total__gt=0).order_by("-total", "username")
    return [{"rep": p, "calls": p.calls, "visits": p.visits, "total": p.total,
             "call_minutes": p.call_seconds // 60} for p in people]


def stalled_deals(user, limit=10):
    cutoff = timezone.now() - timedelta(days=STALLED_AFTER_DAYS)
    return (Opportunity.objects.visible_to(user)
            .filter(stage__outcome=Stage.Outcome.OPEN, stage_entered_at__lt=cutoff)
            .select_related("customer", "stage", "owner").order_by("stage_entered_at")[:limit])
