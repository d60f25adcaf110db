"""Closed history built row by row, so every expected number can be worked out by hand."""

from decimal import Decimal

import pytest
from django.utils import timezone

from valuecrm.crm.models import Channel, Customer, Lead, Tag
from valuecrm.sales.models import Opportunity, OpportunityStageChange, Stage


def stage(outcome=None, name=None) -> Stage:
    if name:
        return Stage.objects.get(name_en=name)
    return Stage.objects.filter(outcome=outcome).order_by("position").first()


class History:
    """Makes leads and opportunities with a known outcome for one rep."""

    def __init__(self, rep):
        self.rep = rep
        self.n = 0

    def _customer(self, **fields) -> Customer:
        self.n += 1
        return Customer.objects.create(name=f"客户{self.n}", name_key=f"c{self.n}",
                                       owner=self.rep, **fields)

    def deal(self, customer, outcome, *, amount="1000", reached=(), created_at=None,
             closed_at=None) -> Opportunity:
        """An opportunity ending in `outcome` ("won"/"lost"/"open" or a stage name),
        having passed through the open stages named in `reached`."""
        target = stage(name=outcome) if outcome not in ("won", "lost", "open") else stage(outcome)
        now = created_at or timezone.now()
        closed = None if target.outcome == "open" else (closed_at or now)
        deal = Opportunity.objects.create(
            name=f"商机{self.n}", customer=customer, stage=target, owner=self.rep,
            amount=Decimal(amount), lost_reason="价格" if target.outcome == "lost" else "",
            created_at=now, closed_at=closed)
        for name in (*reached, target.name_en):
            OpportunityStageChange.objects.create(opportunity=deal, to_stage=stage(name=name),
                                                  changed_at=now)
        return deal

    def lead(self, outcome, *, channel=None, tags=(), created_at=None, amount="1000", **fields):
        """A lead that is "won", "lost" (disqualified), "lost_deal" (converted, deal lost),
        "converted" (deal still open) or open ("new")."""
        created_at = created_at or timezone.now()
        lead = Lead.objects.create(name=f"线索{self.n}", owner=self.rep, channel=channel,
                                   created_at=created_at, **fields)
        self.n += 1
        if outcome == "lost":
            lead.status, lead.disqualify_reason = Lead.Status.DISQUALIFIED, "无效"
        elif outcome in ("won", "lost_deal", "converted"):
            customer = self._customer(channel=channel)
            deal_outcome = {"won": "won", "lost_deal": "lost", "converted": "open"}[outcome]
            self.deal(customer, deal_outcome, amount=amount, created_at=created_at)
            lead.status, lead.converted_customer = Lead.Status.CONVERTED, customer
        lead.save()
        lead.tags.set(tags)
        return lead


@pytest.fixture
def make_history():
    return History


@pytest.fixture
def fair(db) -> Channel:
    return Channel.objects.create(name="展会", code="fair")


@pytest.fixture
def vip(db) -> Tag:
    return Tag.objects.create(name="VIP")
