"""The demo's history, one lead (or pre-existing customer) at a time.

Each lead's whole story is generated when it arrives: assignment, first contact, follow-ups,
conversion into a customer with contacts, the opportunity, contracts and renewals, payments
and account care. Nothing but the current story is held in memory, so the large scale
streams through the sink.
"""

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from faker import Faker

from valuecrm.core.normalize import normalize_company
from valuecrm.crm.models import Activity, Channel, Contact, Customer, Lead
from valuecrm.demo import params
from valuecrm.demo.deals import YEAR, Account, DealsMixin
from valuecrm.demo.params import Scale
from valuecrm.demo.reference import Rep, World
from valuecrm.demo.sink import Sink
from valuecrm.demo.timeline import Timeline, lognormal
from valuecrm.demo.usage import Approvals
from valuecrm.org.models import User

MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                   "151", "152", "155", "156", "157", "158", "159", "180", "181", "186",
                   "187", "188", "189"]
TOUCH_KINDS = ["call", "call", "call", "call", "call", "call", "visit", "visit", "email",
               "meeting"]


@dataclass
class Profile:
    """What a customer record takes over from the lead it came from."""

    channel: Channel
    industry: str
    region: str
    phone: str
    email: str


class Chooser:
    """Weighted choice with precomputed cumulative weights (random.choices recomputes them)."""

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


class Generator(DealsMixin):
    def __init__(self, *, rng: random.Random, fake: Faker, timeline: Timeline, world: World,
                 sink: Sink, scale: Scale, approvals: Approvals):
        self.rng, self.fake, self.timeline, self.world, self.sink = rng, fake, timeline, world, sink
        self.approvals = approvals
        self.scale = scale
        self.contract_seq = 0
        self.customer_names: set[str] = set()
        self.pick_channel = Chooser(world.channels, [spec.share for spec, _c in world.channels])
        self.pick_city = Chooser(params.CITIES, [c[3] for c in params.CITIES])
        self.pick_industry = Chooser(params.INDUSTRIES, [i[2] for i in params.INDUSTRIES])
        self.pick_suffix = Chooser(*zip(*params.LEGAL_SUFFIXES, strict=True))

    def run(self, progress: Callable[[int], None]) -> None:
        legacy = round(self.scale.leads * params.LEGACY_CUSTOMER_SHARE)
        for _ in range(legacy):
            self.legacy_customer_story()
        for day, count in self.timeline.leads_per_day(self.scale.leads):
            for _ in range(count):
                self.lead_story(day)
            progress(count)

    # -- building blocks -------------------------------------------------------------------

    def activity(self, kind: str, when: datetime, owner: User, **subject) -> None:
        """An activity that happened; whether it was logged depends on the era."""
        rng = self.rng
        if rng.random() >= self.timeline.era(when).log_share:
            return
        duration = {
            "call": lambda: max(15, min(3600, round(lognormal(rng, 170, 0.8)))),
            "visit": lambda: round(lognormal(rng, 75, 0.4)) * 60,
            "meeting": lambda: round(lognormal(rng, 45, 0.4)) * 60,
        }.get(kind, lambda: None)()
        self.sink.new(
            Activity, kind=kind, owner=owner, started_at=when, duration_seconds=duration,
            subject=rng.choice(params.SUBJECTS.get(kind, params.SUBJECTS["email"])),
            outcome=rng.choice(params.OUTCOMES), created_at=when, **subject,
        )

    def mobile(self) -> str:
        return f"+86{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def email(self) -> str:
        return f"{self.fake.user_name()}{self.rng.randrange(100)}@example.com"

    def company_name(self, city: str, words: list[str]) -> str:
        rng = self.rng
        brand = "".join(rng.sample(params.BRAND_CHARS, 2))
        return f"{city}{brand}{rng.choice(words)}{self.pick_suffix(rng)}"

    def unique_customer_name(self, name: str, city: str) -> str:
        """Customers are distinct companies; a clash becomes a branch office."""
        candidate, n = name, 1
        while candidate in self.customer_names:
            candidate = f"{name}（{city}{'第' + str(n) if n > 1 else ''}分公司）"
            n += 1
        self.customer_names.add(candidate)
        return candidate

    def pick_tier(self, big_deals: float) -> tuple[str, int]:
        weights = [w * (big_deals if name in ("large", "enterprise") else 1)
                   for name, w, _seats in params.TIERS]
        name, _w, (low, high) = self.rng.choices(params.TIERS, weights)[0]
        return name, self.rng.randint(low, high)

    def follow_ups(self, start: datetime, end: datetime, owner: User, n: int, **subject):
        end = min(end, self.timeline.cutoff)
        for _ in range(n):
            if end > start:
                kind = self.rng.choice(["call", "call", "call", "email"])
                self.activity(kind, self.timeline.between(start, end, self.rng), owner,
                              **subject)

    # -- leads -----------------------------------------------------------------------------

    def arrival(self, day: date, business_hours: bool) -> datetime:
        rng = self.rng
        hour = rng.randint(9, 17) if business_hours else rng.choice(range(7, 24))
        return self.timeline.at(day, hour, rng.randrange(60))

    def lead_story(self, day: date) -> None:
        rng, tl = self.rng, self.timeline
        spec, channel = self.pick_channel(rng)
        city, region, department, _w = self.pick_city(rng)
        industry, words, _w = self.pick_industry(rng)
        lead = Lead(
            pk=self.sink.reserve(Lead), name=self.fake.name(),
            company_name=self.company_name(city, words), phone=self.mobile(),
            email=self.email() if rng.random() < 0.6 else "", region=region, industry=industry,
            channel=channel, created_at=self.arrival(day, spec.business_hours_only),
        )
        tier = self.pick_tier(spec.big_deals)
        if rng.random() < 0.4:
            intent = rng.choice(params.TAGS["意向程度"])[0]
            self.sink.new(Lead.tags.through, lead_id=lead.pk, tag_id=self.world.tags[intent].pk)
        rep = rng.choice(self.world.reps_by_department[department])
        assigned = lead.created_at + timedelta(
            hours=lognormal(rng, tl.era(lead.created_at).assign_hours, 0.9)
        )
        # A few leads sit unassigned in the pool; the newest are not assigned yet.
        if rng.random() < 0.04 or assigned >= tl.cutoff:
            self.sink.add(lead)
            return
        lead.owner, lead.assigned_at = rep.user, assigned
        first_contact = tl.working(
            assigned + timedelta(hours=lognormal(rng, tl.era(assigned).first_contact_hours, 1.0)),
            rng,
        )
        if first_contact < tl.cutoff:
            lead.first_contact_at, lead.status = first_contact, Lead.Status.WORKING
            self.activity("call", first_contact, rep.user, lead_id=lead.pk)
            self.work_lead(lead, rep, spec.conversion, tier, city)
        self.sink.add(lead)

    def work_lead(self, lead: Lead, rep: Rep, conversion: float, tier, city: str) -> None:
        """After the first contact: the lead converts, is disqualified, or stays open."""
        rng, tl = self.rng, self.timeline
        era = tl.era(lead.first_contact_at)
        if rng.random() < conversion * rep.skill * era.conversion_factor:
            converted = tl.working(
                lead.first_contact_at + timedelta(days=lognormal(rng, era.convert_days, 0.7)), rng
            )
            self.follow_ups(lead.first_contact_at, converted, rep.user, rng.randint(2, 6),
                            lead_id=lead.pk)
            if converted >= tl.cutoff:
                lead.status = Lead.Status.QUALIFIED
                return
            lead.status, lead.converted_at = Lead.Status.CONVERTED, converted
            account = Account(
                self.sink.reserve(Customer), self.unique_customer_name(lead.company_name, city),
                tier[0], tier[1], rep.user,
            )
            lead.converted_customer_id, lead.converted_contact_id, deal_pk = self.customer_story(
                account, lead, converted
            )
            lead.converted_opportunity_id = deal_pk
            return
        given_up = tl.working(lead.first_contact_at + timedelta(days=lognormal(rng, 12, 0.8)), rng)
        self.follow_ups(lead.first_contact_at, given_up, rep.user, rng.randint(1, 5),
                        lead_id=lead.pk)
        if given_up < tl.cutoff and rng.random() < 0.75:
            lead.status = Lead.Status.DISQUALIFIED
            lead.disqualify_reason = rng.choice(params.DISQUALIFY_REASONS)

    # -- customers -------------------------------------------------------------------------

    def contacts(self, account: Account, since: datetime, lead: Lead | None) -> int:
        """The customer's contacts; the first (from the lead, if any) is the primary one."""
        rng = self.rng
        extra = {"small": 0, "medium": 1, "large": 2, "enterprise": 3}[account.tier]
        primary = None
        for n in range(1 + rng.randint(0, extra)):
            from_lead = n == 0 and lead is not None
            contact = self.sink.new(
                Contact, customer_id=account.pk, name=lead.name if from_lead else self.fake.name(),
                title=rng.choice(params.CONTACT_TITLES), is_primary=n == 0,
                phone=lead.phone if from_lead else self.mobile(),
                email=(lead.email if from_lead else self.email() if rng.random() < 0.5 else ""),
                created_at=since,
            )
            primary = primary or contact.pk
        return primary

    def customer_story(self, account: Account, lead: Lead, since: datetime):
        """A converted lead's customer: (customer id, primary contact id, opportunity id)."""
        contact_pk = self.contacts(account, since, lead)
        deal = None
        if self.rng.random() < 0.9:
            deal = self.opportunity(account, "new", since)
        until, active, had_contract = since + timedelta(days=30), False, False
        if deal and deal.won_at:
            had_contract = True
            contract = self.contract(account, deal, "new", deal.won_at, deal.lines)
            until, active = self.contract_chain(account, contract.end_date)
        elif deal:
            until = (deal.closed_at or self.timeline.cutoff) + timedelta(days=30)
        last_touch = self.account_care(account, since, until) or since
        profile = Profile(lead.channel, lead.industry, lead.region, lead.phone, lead.email)
        self.save_customer(account, profile, since, last_touch, active, had_contract)
        return account.pk, contact_pk, deal.pk if deal else None

    def contract_chain(self, account: Account, end: date) -> tuple[datetime, bool]:
        """Upsells during each contract year and renewals at its end, until the customer
        churns or the history ends. Returns (end of the relationship, active at the end)."""
        rng, tl = self.rng, self.timeline
        while True:
            term_start = tl.at(end - YEAR + timedelta(days=1), 10)
            if rng.random() < params.UPSELL_CHANCE:
                start = tl.between(term_start, min(tl.at(end, 10), tl.cutoff), rng)
                if start < tl.cutoff:
                    self.upsell(account, start)
            renewal_start = tl.working(tl.at(end - timedelta(days=45), 10), rng)
            if renewal_start >= tl.cutoff:
                return tl.cutoff, True
            deal = self.opportunity(account, "renewal", renewal_start)
            if deal.won_at is None:
                churned = tl.at(end, 18)
                return min(churned, tl.cutoff), deal.closed_at is None or churned >= tl.cutoff
            start = max(end + timedelta(days=1), deal.won_at.date())
            contract = self.contract(account, deal, "renewal", deal.won_at, deal.lines, start)
            end = contract.end_date

    def upsell(self, account: Account, start: datetime) -> None:
        deal = self.opportunity(account, "upsell", start)
        if deal.won_at:
            self.contract(account, deal, "upsell", deal.won_at, deal.lines)

    def account_care(self, account: Account, since: datetime, until: datetime) -> datetime | None:
        """Calls, visits and emails while the relationship lasts; the last one logged."""
        rng, tl = self.rng, self.timeline
        until, when, last = min(until, tl.cutoff), since, None
        while True:
            when = tl.working(when + timedelta(days=lognormal(rng, params.ACCOUNT_TOUCH_DAYS,
                                                               0.6)), rng)
            if when >= until:
                return last
            self.activity(rng.choice(TOUCH_KINDS), when, account.owner, customer_id=account.pk)
            last = when

    def save_customer(self, account: Account, profile: Profile, since: datetime,
                      last_touch: datetime, active: bool, had_contract: bool) -> None:
        rng, tl = self.rng, self.timeline
        stale = last_touch < tl.cutoff - timedelta(days=90)
        lifecycle = (Customer.Lifecycle.ACTIVE if active else
                     Customer.Lifecycle.CHURNED if had_contract else Customer.Lifecycle.PROSPECT)
        in_pool = lifecycle == Customer.Lifecycle.PROSPECT and stale and rng.random() < (
            params.POOL_SHARE
        )
        self.sink.new(
            Customer, id=account.pk, name=account.name, name_key=normalize_company(account.name),
            size_tier=account.tier,
            industry=profile.industry, region=profile.region, channel=profile.channel,
            phone=profile.phone, email=profile.email, lifecycle_stage=lifecycle,
            owner=None if in_pool else account.owner, created_at=since,
            pool=self.world.pools.get(self.world.department_of.get(account.owner.pk)),
            owned_since=None if in_pool else since,
        )
        features = [name for name, _color in params.TAGS["客户特征"]]
        tags = [params.GRADE_BY_TIER[account.tier], *rng.sample(features, rng.randint(0, 2))]
        for name in tags:
            self.sink.new(Customer.tags.through, customer_id=account.pk,
                          tag_id=self.world.tags[name].pk)

    def legacy_customer_story(self) -> None:
        """A customer already under contract when the history starts (from the old system):
        its first contract has no opportunity, and it comes up for renewal in year one."""
        rng, tl = self.rng, self.timeline
        city, region, department, _w = self.pick_city(rng)
        industry, words, _w = self.pick_industry(rng)
        rep = rng.choice(self.world.reps_by_department[department])
        tier, seats = self.pick_tier(1.5)
        start = tl.start - timedelta(days=rng.randint(1, 364))
        since = tl.at(start - timedelta(days=rng.randint(10, 300)), 10)
        name = self.unique_customer_name(self.company_name(city, words), city)
        account = Account(self.sink.reserve(Customer), name, tier, seats, rep.user)
        self.contacts(account, since, None)
        lines = self.quote(account, "new")
        contract = self.contract(account, None, "new", tl.at(start, 10), lines, start)
        until, active = self.contract_chain(account, contract.end_date)
        last_touch = self.account_care(account, tl.at(tl.start, 9), until) or since
        profile = Profile(self.pick_channel(rng)[1], industry, region, self.mobile(), "")
        self.save_customer(account, profile, since, last_touch, active, True)
