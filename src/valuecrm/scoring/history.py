"""What counts as won and lost, and the frequency tables counted from it in SQL.

Leads: a converted lead is won when an opportunity of the customer it became (created since
the lead) was won; it is lost when it was disqualified, or converted and only lost deals
followed. Opportunities: the outcome of their stage. Every count is one GROUP BY; no closed
record is loaded into Python.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from valuecrm.crm.models import Customer, Lead
from valuecrm.sales.models import Opportunity, OpportunityStageChange, Stage
from valuecrm.scoring.bayes import CATEGORICAL, FLAG, NaiveBayes

WON, LOST, OPEN = Stage.Outcome.WON, Stage.Outcome.LOST, Stage.Outcome.OPEN
OPEN_LEAD_STATUSES = (Lead.Status.NEW, Lead.Status.WORKING, Lead.Status.QUALIFIED)


def lead_deals() -> QuerySet:
    """Opportunities that came of the outer lead: its customer's, created since the lead.
    Correlated on OuterRef, for use in Exists/Subquery over leads."""
    return Opportunity.objects.filter(
        customer_id=OuterRef("converted_customer_id"), created_at__gte=OuterRef("created_at")
    )


def won_leads(leads: QuerySet | None = None) -> QuerySet:
    leads = Lead.objects.all() if leads is None else leads
    return leads.filter(Exists(lead_deals().filter(stage__outcome=WON)),
                        status=Lead.Status.CONVERTED)


def lost_leads(leads: QuerySet | None = None) -> QuerySet:
    leads = Lead.objects.all() if leads is None else leads
    deals = lead_deals()
    converted_lost = (
        Q(status=Lead.Status.CONVERTED)
        & Q(Exists(deals.filter(stage__outcome=LOST)))
        & ~Q(Exists(deals.filter(stage__outcome=WON)))
    )
    return leads.filter(Q(status=Lead.Status.DISQUALIFIED) | converted_lost)


@dataclass(frozen=True)
class Feature:
    """A field scored by naive Bayes: its name in explanations, the lookup from the scored
    model, and whether an empty value is NULL (foreign keys) or "" (text)."""

    name: str
    lookup: str
    text: bool = True

    def present(self) -> Q:
        return ~Q(**{self.lookup: ""}) if self.text else Q(**{f"{self.lookup}__isnull": False})


LEAD_FEATURES = (
    Feature("channel", "channel_id", text=False),
    Feature("region", "region"),
    Feature("industry", "industry"),
)
LEAD_TAGS = "tags"
OPPORTUNITY_FEATURES = (
    Feature("channel", "customer__channel_id", text=False),
    Feature("region", "customer__region"),
    Feature("industry", "customer__industry"),
    Feature("size_tier", "customer__size_tier"),
)
OPPORTUNITY_TAGS = "customer__tags"


def _count(qs: QuerySet, lookup: str) -> dict[str, int]:
    rows = qs.order_by().values(lookup).annotate(n=Count("pk", distinct=True))
    return {str(row[lookup]): row["n"] for row in rows}


def _tables(won: QuerySet, lost: QuerySet, features, tags: str) -> NaiveBayes:
    model = NaiveBayes(won=won.count(), lost=lost.count())
    for feature in features:
        model.kinds[feature.name] = CATEGORICAL
        model.counts[feature.name] = _merge(
            _count(won.filter(feature.present()), feature.lookup),
            _count(lost.filter(feature.present()), feature.lookup),
        )
    present = Q(**{f"{tags}__isnull": False})
    model.kinds["tags"] = FLAG
    model.counts["tags"] = _merge(_count(won.filter(present), tags),
                                  _count(lost.filter(present), tags))
    return model


def _merge(won: dict[str, int], lost: dict[str, int]) -> dict[str, list[int]]:
    return {value: [won.get(value, 0), lost.get(value, 0)] for value in won.keys() | lost.keys()}


def lead_tables() -> NaiveBayes:
    return _tables(won_leads(), lost_leads(), LEAD_FEATURES, LEAD_TAGS)


def _furthest_open_stage(opportunities: QuerySet) -> dict[int, int]:
    """Closed opportunities per furthest open stage position they reached (from the stage
    history), as position -> count: one GROUP BY."""
    furthest = Subquery(
        OpportunityStageChange.objects.filter(opportunity=OuterRef("pk"), to_stage__outcome=OPEN)
        .order_by("-to_stage__position").values("to_stage__position")[:1]
    )
    rows = (opportunities.order_by().annotate(furthest=furthest).filter(furthest__isnull=False)
            .values("furthest").annotate(n=Count("pk")))
    return {row["furthest"]: row["n"] for row in rows}


def _stage_counts(won: QuerySet, lost: QuerySet) -> dict[str, list[int]]:
    """Per open stage, closed opportunities that got at least that far. As in Odoo, reaching
    a stage implies passing the ones before it, so a deal that skipped a stage counts there
    too, and a won deal counts in every stage up to where it was last open."""
    won_at, lost_at = _furthest_open_stage(won), _furthest_open_stage(lost)
    counts = {}
    for stage_id, position in Stage.objects.filter(outcome=OPEN).values_list("pk", "position"):
        counts[str(stage_id)] = [
            sum(n for p, n in won_at.items() if p >= position),
            sum(n for p, n in lost_at.items() if p >= position),
        ]
    return {key: value for key, value in counts.items() if any(value)}


def opportunity_tables() -> NaiveBayes:
    won = Opportunity.objects.filter(stage__outcome=WON)
    lost = Opportunity.objects.filter(stage__outcome=LOST)
    model = _tables(won, lost, OPPORTUNITY_FEATURES, OPPORTUNITY_TAGS)
    model.kinds["stage"] = FLAG
    model.counts["stage"] = _stage_counts(won, lost)
    return model


def customer_tags(customer_ids) -> dict[int, list[str]]:
    return _tag_map(Customer.tags.through.objects.filter(customer_id__in=customer_ids)
                    .values_list("customer_id", "tag_id"))


def lead_tags(lead_ids) -> dict[int, list[str]]:
    return _tag_map(Lead.tags.through.objects.filter(lead_id__in=lead_ids)
                    .values_list("lead_id", "tag_id"))


def _tag_map(pairs) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for record_id, tag_id in pairs:
        found.setdefault(record_id, []).append(str(tag_id))
    return found
