"""Channel scorecard: what each lead source brings, what it costs, and whether to keep it.

The period picks a cohort: the leads created in it (within the caller's data scope).
Conversion and revenue follow that cohort to today: a lead reached an opportunity when its
converted customer got one since the lead was created, and was won when one of those was
won (the same definition the win-probability model learns from, `history.lead_deals`).
Everything is counted in SQL, per channel and per month.

Cost is company-wide (`Channel.monthly_cost`), so cost, cost per won deal and ROI are shown
only to people who see every lead (analysts, administrators): a team's share of the leads
set against the whole cost would understate the channel.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.crm.models import Channel, Lead
from valuecrm.org.scope import can_see_costs
from valuecrm.sales.models import CENT, ZERO, Stage
from valuecrm.scoring.history import lead_deals

# Recommendation thresholds (docs/scoring-and-focus.md explains them).
MIN_LEADS = 10  # fewer leads than this in the period: too few to judge
WATCH_ROI = Decimal("0.5")  # returns less than 1.5x its cost: watch
WEAK_WIN_RATIO = 0.5  # wins less than half the average lead->win rate: watch
KEEP, WATCH, DROP = "keep", "watch", "drop"
MAX_DAYS = 3 * 366  # a monthly trend longer than three years is not a scorecard


@dataclass
class Figures:
    leads: int = 0
    opportunities: int = 0
    won: int = 0
    won_deals: int = 0
    revenue: Decimal = ZERO
    cost: Decimal | None = None

    @property
    def lead_to_opportunity(self) -> float | None:
        return round(self.opportunities / self.leads, 4) if self.leads else None

    @property
    def lead_to_win(self) -> float | None:
        return round(self.won / self.leads, 4) if self.leads else None

    @property
    def average_deal_size(self) -> Decimal | None:
        return (self.revenue / self.won_deals).quantize(CENT) if self.won_deals else None

    @property
    def revenue_per_lead(self) -> Decimal | None:
        return (self.revenue / self.leads).quantize(CENT) if self.leads else None

    @property
    def cost_per_won_deal(self) -> Decimal | None:
        if self.cost is None or not self.won_deals:
            return None
        return (self.cost / self.won_deals).quantize(CENT)

    @property
    def roi(self) -> Decimal | None:
        """(revenue - cost) / cost; None where the cost is unknown or nothing."""
        if not self.cost:
            return None
        return ((self.revenue - self.cost) / self.cost).quantize(Decimal("0.0001"))


@dataclass
class MonthFigures(Figures):
    month: str = ""


@dataclass
class ChannelCard(Figures):
    channel_id: int | None = None
    channel: str = ""
    recommendation: str | None = None
    reason: str = ""
    trend: list[MonthFigures] = field(default_factory=list)


@dataclass
class Scorecard:
    start: date
    end: date
    shows_cost: bool
    cost_note: str
    average_lead_to_win: float | None
    channels: list[ChannelCard]


def default_period(start: date | None, end: date | None) -> tuple[date, date]:
    """Unless given: the six months up to today, so the trend has six points."""
    end = end or timezone.localdate()
    if start is None:
        first = end.replace(day=1)
        for _step in range(5):
            first = (first - timedelta(days=1)).replace(day=1)
        start = first
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if start > end:
        raise ValidationError({"from": [_("The period starts after it ends.")]})
    if (end - start).days > MAX_DAYS:
        raise ValidationError({"from": [_("Choose a period of at most %(n)s days.") % {
            "n": MAX_DAYS}]})
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tz),
            datetime.combine(end + timedelta(days=1), time.min, tz))


def _months(start: date, end: date):
    """(first day, days of the month, days of it inside the period) for each month."""
    first = start.replace(day=1)
    while first <= end:
        days = calendar.monthrange(first.year, first.month)[1]
        last = first.replace(day=days)
        inside = (min(end, last) - max(start, first)).days + 1
        yield first, days, inside
        first = last + timedelta(days=1)


def _prorate(monthly: Decimal, days: int, inside: int) -> Decimal:
    return (monthly * inside / days).quantize(CENT)


def _cohort(user, start: date, end: date):
    """The caller's leads created in the period, each with what came of it."""
    since, until = _bounds(start, end)
    deals = lead_deals().visible_to(user)
    won = deals.filter(stage__outcome=Stage.Outcome.WON).order_by().values("customer_id")
    return Lead.objects.visible_to(user).filter(created_at__gte=since, created_at__lt=until) \
        .annotate(
            has_deal=Exists(deals),
            is_won=Exists(won),
            wins=Coalesce(Subquery(won.annotate(n=Count("pk")).values("n")), 0),
            won_amount=Coalesce(Subquery(won.annotate(s=Sum("amount")).values("s")), ZERO),
        )


def _figures(rows, keys) -> dict:
    grouped = rows.values(*keys).annotate(
        n_leads=Count("pk"), n_deal=Count("pk", filter=Q(has_deal=True)),
        n_won=Count("pk", filter=Q(is_won=True)), n_wins=Sum("wins"),
        amount=Sum("won_amount"),
    ).order_by()
    return {
        tuple(row[k] for k in keys): {
            "leads": row["n_leads"], "opportunities": row["n_deal"], "won": row["n_won"],
            "won_deals": row["n_wins"] or 0,
            "revenue": Decimal(str(row["amount"] or 0)).quantize(CENT)}
        for row in grouped
    }


def channel_scorecard(user, *, start: date, end: date) -> Scorecard:
    cohort = _cohort(user, start, end)
    totals = _figures(cohort, ["channel_id"])
    monthly = {
        (channel_id, _as_date(month)): figures
        for (channel_id, month), figures in _figures(
            cohort.annotate(month=TruncMonth("created_at")), ["channel_id", "month"]).items()
    }
    shows_cost = can_see_costs(user)
    channels = list(Channel.objects.visible_to(user).filter(
        Q(is_active=True) | Q(pk__in=[key[0] for key in totals])))
    if (None,) in totals:
        channels.append(Channel(pk=None, name=str(_("(no channel)"))))
    cards = []
    for channel in channels:
        card = ChannelCard(channel_id=channel.pk, channel=channel.name,
                           **totals.get((channel.pk,), {}))
        cost = channel.monthly_cost if shows_cost else None
        for first, days, inside in _months(start, end):
            point = MonthFigures(month=first.strftime("%Y-%m"),
                                 **monthly.get((channel.pk, first), {}))
            if cost is not None:
                point.cost = _prorate(cost, days, inside)
            card.trend.append(point)
        if cost is not None:
            card.cost = sum((point.cost for point in card.trend), ZERO)
        cards.append(card)
    leads = sum(c.leads for c in cards)
    average = round(sum(c.won for c in cards) / leads, 4) if leads else None
    for card in cards:
        if card.channel_id is not None:
            card.recommendation, card.reason = recommend(card, average)
    cards.sort(key=lambda c: (c.channel_id is None, -(c.revenue or 0), -c.leads, c.channel))
    note = (_("Cost is each channel's monthly cost, prorated by day over the period.")
            if shows_cost else
            _("Channel cost is company-wide, so cost and ROI are shown only to analysts and "
              "administrators."))
    return Scorecard(start, end, shows_cost, note, average, cards)


def _as_date(month) -> date:
    return timezone.localtime(month).date() if isinstance(month, datetime) else month


def _pct(value) -> str:
    return f"{Decimal(str(value)) * 100:.1f}%"


def recommend(card: Figures, average: float | None) -> tuple[str, str]:
    """keep / watch / drop, with the reason, by the thresholds above, first match wins."""
    roi = card.roi
    if card.cost and not card.leads:
        return DROP, _("It cost %(cost)s in the period and brought no lead.") % {
            "cost": card.cost}
    if card.leads < MIN_LEADS:
        return WATCH, _("Only %(n)s leads in the period: too few to judge (%(min)s needed).") % {
            "n": card.leads, "min": MIN_LEADS}
    if roi is not None and roi < 0:
        return DROP, _("It cost %(cost)s and won %(revenue)s: ROI %(roi)s.") % {
            "cost": card.cost, "revenue": card.revenue, "roi": _pct(roi)}
    if roi is not None and roi < WATCH_ROI:
        return WATCH, _("ROI %(roi)s is below %(min)s.") % {
            "roi": _pct(roi), "min": _pct(WATCH_ROI)}
    if not card.won and average:
        return DROP, _("No deal won from %(n)s leads (average lead-to-win %(avg)s).") % {
            "n": card.leads, "avg": _pct(average)}
    if average and card.lead_to_win < WEAK_WIN_RATIO * average:
        return WATCH, _("Wins %(rate)s of its leads, under half the average %(avg)s.") % {
            "rate": _pct(card.lead_to_win), "avg": _pct(average)}
    reason = _("Wins %(rate)s of its leads (average %(avg)s).") % {
        "rate": _pct(card.lead_to_win), "avg": _pct(average or 0)}
    if roi is not None:
        reason = _("ROI %(roi)s. ") % {"roi": _pct(roi)} + reason
    return KEEP, reason
