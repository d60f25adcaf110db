"""Today's priorities: what each person should work on, each row saying why it is there.

Rows come in four tiers, each ranked inside by its own measure, because they differ in
what waiting costs:
1. customers a recycle rule is about to send back to the pool (soonest deadline first):
   wait and the customer is gone;
2. overdue payment plans (largest amount outstanding first): money already earned;
3. open opportunities by expected value, probability x amount (the predicted probability
   where scored, the stage's otherwise);
4. owned customers nobody has touched for STALE_DAYS (longest silence first).
A record that qualifies twice is one row with both reasons, in its higher tier.
The rows are the caller's own records for a rep and their units' for a manager, through
`visible_to` like every read; managers also get the reps who need help (`reps_needing_help`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, FloatField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.crm.models import Customer
from valuecrm.focus.help import STALLED_DAYS, RepHelp, reps_needing_help
from valuecrm.pool.actions import upcoming_recycles
from valuecrm.sales.models import CENT, Opportunity, PaymentPlan, Stage

STALE_DAYS = 14  # no activity with a customer for this long: it goes on the list

CLOSING_DAYS = 7  # expected close date within this many days: say so
LIMIT = 50  # rows per tier: a list longer than this is not a day's work
RECYCLE, PAYMENT, OPPORTUNITY, STALE = 1, 2, 3, 4


@dataclass
class FocusItem:
    kind: str  # "customer", "payment_plan" or "opportunity"
    id: int
    name: str
    owner_id: int | None
    tier: int
    sort: float
    amount: Decimal | None = None
    expected_value: Decimal | None = None
    deadline: datetime | date | None = None
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def add(self, code: str, reason: str) -> None:
        self.codes.append(code)
        self.reasons.append(reason)


@dataclass
class Focus:
    items: list[FocusItem]
    reps_needing_help: list[RepHelp] | None


def _silence(last_activity: datetime | None, now: datetime) -> str:
    if last_activity is None:
        return _("No activity recorded yet.")
    return _("No activity for %(n)s days.") % {"n": (now - last_activity).days}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _recycles(user, now, rows: dict) -> None:
    for entry in upcoming_recycles(user, now=now)[:LIMIT]:
        customer = entry["customer"]
        item = FocusItem("customer", customer.pk, customer.name, customer.owner_id, RECYCLE,
                         entry["deadline"].timestamp(), deadline=entry["deadline"])
        item.add("recycle_due", _("Goes back to the pool on %(date)s: %(reason)s.") % {
            "date": timezone.localtime(entry["deadline"]).strftime("%Y-%m-%d %H:%M"),
            "reason": entry["rule"].reason})
        rows.setdefault(("customer", customer.pk), item)


def _stale_customers(user, now, rows: dict) -> None:
    touched = Coalesce("last_activity_at", "owned_since", "created_at")
    stale = (Customer.objects.visible_to(user).filter(owner__isnull=False)
             .exclude(lifecycle_stage=Customer.Lifecycle.CHURNED)
             .annotate(touched=touched).filter(touched__lt=now - timedelta(days=STALE_DAYS))
             .order_by("touched", "pk")[:LIMIT])
    for customer in stale:
        item = rows.get(("customer", customer.pk))
        if item is None:
            item = rows[("customer", customer.pk)] = FocusItem(
                "customer", customer.pk, customer.name, customer.owner_id, STALE,
                customer.touched.timestamp())
        item.add("stale", _silence(customer.last_activity_at, now))


def _overdue_payments(user, today, rows: dict) -> None:
    plans = (PaymentPlan.objects.visible_to(user).overdue(today)
             .select_related("contract__customer").order_by("due_date", "pk")[:LIMIT])
    for plan in plans:
        outstanding = plan.amount - plan.received
        item = FocusItem("payment_plan", plan.pk, str(plan.contract.customer),
                         plan.contract.owner_id, PAYMENT, -float(outstanding),
                         amount=outstanding, deadline=plan.due_date)
        item.add("payment_overdue", _(
            "%(outstanding)s of %(amount)s due %(date)s on contract %(contract)s is unpaid "
            "(%(days)s days overdue).") % {
            "outstanding": _money(outstanding), "amount": _money(plan.amount),
            "date": plan.due_date, "contract": plan.contract.number,
            "days": (today - plan.due_date).days})
        rows[("payment_plan", plan.pk)] = item


def _opportunities(user, now, rows: dict) -> None:
    probability = Coalesce(
        "score__probability",
        Cast(Coalesce("probability", "stage__probability"), FloatField()) / 100.0,
    )
    deals = (Opportunity.objects.visible_to(user).filter(stage__outcome=Stage.Outcome.OPEN)
             .select_related("stage", "customer", "score")
             .annotate(p=probability, ev=Cast("amount", FloatField()) * F("p"))
             .order_by(F("ev").desc(nulls_last=True), "pk")[:LIMIT])
    for deal in deals:
        ev = (Decimal(deal.amount) * Decimal(str(deal.p))).quantize(CENT)
        item = FocusItem("opportunity", deal.pk, deal.name, deal.owner_id, OPPORTUNITY,
                         -deal.ev, amount=deal.amount, expected_value=ev,
                         deadline=deal.expected_close_date)
        source = _("predicted") if hasattr(deal, "score") else _("stage default")
        item.add("expected_value", _("Expected value %(ev)s = %(p)s%% (%(source)s) x %(amount)s.")
                 % {"ev": _money(ev), "p": round(deal.p * 100), "source": source,
                    "amount": _money(deal.amount)})
        _deal_warnings(item, deal, now)
        rows[("opportunity", deal.pk)] = item


def _deal_warnings(item: FocusItem, deal: Opportunity, now: datetime) -> None:
    today = timezone.localtime(now).date()
    if deal.expected_close_date and deal.expected_close_date < today:
        item.add("close_date_passed", _("Its expected close date %(date)s has passed.")
                 % {"date": deal.expected_close_date})
    elif deal.expected_close_date and (deal.expected_close_date - today).days <= CLOSING_DAYS:
        item.add("closing_soon", _("Expected to close in %(n)s days.")
                 % {"n": (deal.expected_close_date - today).days})
    in_stage = (now - deal.stage_entered_at).days
    if in_stage >= STALLED_DAYS:
        item.add("stalled", _("In stage %(stage)s for %(n)s days.")
                 % {"stage": deal.stage.name, "n": in_stage})
    last = deal.customer.last_activity_at
    if last is None or now - last > timedelta(days=STALE_DAYS):
        item.add("stale", _silence(last, now))


def focus_list(user, *, now: datetime | None = None) -> Focus:
    now = now or timezone.now()
    rows: dict[tuple[str, int], FocusItem] = {}
    _recycles(user, now, rows)
    _overdue_payments(user, timezone.localtime(now).date(), rows)
    _opportunities(user, now, rows)
    _stale_customers(user, now, rows)
    items = sorted(rows.values(), key=lambda item: (item.tier, item.sort, item.kind, item.id))
    helpers = None
    if user.manages_subtree or user.sees_everything:
        helpers = reps_needing_help(user, now=now)
    return Focus(items, helpers)



