"""API of predictive scores and the channel scorecard."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from valuecrm.scoring import actions
from valuecrm.scoring.channels import channel_scorecard, default_period

router = Router(tags=["scoring"])


class FactorOut(Schema):
    field: str
    value: str
    label: str
    won: int
    lost: int
    log_odds: float


class ScoreOut(Schema):
    probability: float
    percent: int
    log_odds: float
    base_log_odds: float
    basis: str
    note: str
    factors: list[FactorOut]
    computed_at: datetime

    @staticmethod
    def resolve_percent(obj):
        return round(obj.probability * 100)


@router.get("/leads/{int:pk}/score", response=ScoreOut, operation_id="get_lead_score",
            summary="Predicted win probability of a lead, with the factors behind it")
def lead_score(request, pk: int):
    return actions.lead_score(request.auth, pk)


@router.get("/opportunities/{int:pk}/score", response=ScoreOut,
            operation_id="get_opportunity_score",
            summary="Predicted win probability of an opportunity, with the factors behind it")
def opportunity_score(request, pk: int):
    return actions.opportunity_score(request.auth, pk)


class FiguresOut(Schema):
    leads: int
    opportunities: int
    won: int
    won_deals: int
    revenue: Decimal
    lead_to_opportunity: float | None
    lead_to_win: float | None
    average_deal_size: Decimal | None
    revenue_per_lead: Decimal | None
    cost: Decimal | None
    cost_per_won_deal: Decimal | None
    roi: Decimal | None


class MonthOut(FiguresOut):
    month: str


class ChannelCardOut(FiguresOut):
    channel_id: int | None
    channel: str
    recommendation: str | None
    reason: str
    trend: list[MonthOut]


class ScorecardOut(Schema):
    start: date
    end: date
    shows_cost: bool
    cost_note: str
    average_lead_to_win: float | None
    channels: list[ChannelCardOut]


class PeriodIn(Schema):
    start: date | None = Field(None, alias="from", description="First day (default: six "
                               "months ago, on the 1st)")
    end: date | None = Field(None, alias="to", description="Last day, included (default: today)")


@router.get("/channels/scorecard", response=ScorecardOut, operation_id="channel_scorecard",
            summary="Per channel: leads, conversion, revenue, cost and ROI, monthly trend, "
                    "and a keep/watch/drop recommendation")
def scorecard(request, period: Query[PeriodIn]):
    start, end = default_period(period.start, period.end)
    return channel_scorecard(request.auth, start=start, end=end)
