"""API of predictive scores and the channel scorecard."""

from datetime import datetime

from ninja import Router, Schema

from valuecrm.scoring import actions

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
