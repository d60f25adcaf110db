"""The demo company's organisation, people and reference data (channels, products, tags).

These are few rows, written through the ORM so org paths and reference history are right.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from faker import Faker

from valuecrm.assignment.models import AssignmentRule
from valuecrm.crm.models import Channel, Tag, TagGroup
from valuecrm.demo import params
from valuecrm.demo.params import ChannelSpec
from valuecrm.demo.timeline import Timeline
from valuecrm.org.models import OrgUnit, Role, User
from valuecrm.pool.models import Pool, RecycleRule
from valuecrm.sales.models import Product, Stage


@dataclass
class Rep:
    user: User
    department: str
    skill: float  # multiplies conversion: some reps sell better than others


@dataclass
class World:
    """Everything the generated records point to."""

    users: dict[str, User] = field(default_factory=dict)
    reps_by_department: dict[str, list[Rep]] = field(default_factory=dict)
    channels: list[tuple[ChannelSpec, Channel]] = field(default_factory=list)
    products: dict[str, Product] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    pools: dict[str, Pool] = field(default_factory=dict)  # department code -> its pool
    department_of: dict[int, str] = field(default_factory=dict)  # user id -> department code
    open_stages: list[Stage] = field(default_factory=list)
    won_stage: Stage | None = None
    lost_stage: Stage | None = None


def build_world(rng: random.Random, fake: Faker, timeline: Timeline) -> World:
    world = World()
    _build_org(world, rng, fake, timeline)
    for spec in params.CHANNELS:
        channel = Channel.objects.create(
            name=spec.name, code=spec.code, monthly_cost=spec.monthly_cost
        )
        world.channels.append((spec, channel))
    for name, sku, category, price in params.PRODUCTS:
        world.products[sku] = Product.objects.create(
            name=name, sku=sku, category=category, list_price=price
        )
    for group_name, tags in params.TAGS.items():
        group = TagGroup.objects.create(name=group_name)
        for name, color in tags:
            world.tags[name] = Tag.objects.create(group=group, name=name, color=color)
    _load_stages(world)
    return world


def _build_sales_operations(world: World, department: OrgUnit, code: str) -> None:
    """Each department has a public pool with the two usual recycle rules, and a rule that
    spreads new unowned leads over its reps in turn."""
    pool = Pool.objects.create(name=f"{department.name}公海", unit=department,
                               **params.POOL_SETTINGS)
    for kind, days in params.RECYCLE_RULES:
        RecycleRule.objects.create(pool=pool, kind=kind, days=days)
    AssignmentRule.objects.create(name=f"{department.name}轮询", unit=department,
                                  max_open_leads=params.MAX_OPEN_LEADS)
    world.pools[code] = pool


def _load_stages(world: World) -> None:
    stages = list(Stage.objects.filter(is_active=True).order_by("position", "id"))
    world.open_stages = [s for s in stages if s.outcome == Stage.Outcome.OPEN]
    world.won_stage = next((s for s in stages if s.outcome == Stage.Outcome.WON), None)
    world.lost_stage = next((s for s in stages if s.outcome == Stage.Outcome.LOST), None)
    if not world.open_stages or world.won_stage is None or world.lost_stage is None:
        raise ValueError(
            "The demo needs at least one open, one won and one lost active stage."
        )


def _build_org(world: World, rng: random.Random, fake: Faker, timeline: Timeline) -> None:
    company = OrgUnit.objects.create(name=params.COMPANY, kind=OrgUnit.Kind.COMPANY)
    password = make_password(params.DEMO_PASSWORD)  # hashed once: hashing is slow by design
    joined = timeline.at(timeline.start - timedelta(days=30), 9)
    people: list[tuple[User, str | None]] = [
        (User(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True), None),
        (User(username="analyst", role=Role.ANALYST), None),
    ]
    for dept_name, dept_code, teams in params.DEPARTMENTS:
        department = OrgUnit.objects.create(
            name=dept_name, kind=OrgUnit.Kind.DEPARTMENT, parent=company
        )
        _build_sales_operations(world, department, dept_code)
        head = User(username=f"{dept_code}-head", role=Role.DEPARTMENT_HEAD, unit=department)
        people.append((head, None))
        for team_name, team_code in teams:
            team = OrgUnit.objects.create(name=team_name, kind=OrgUnit.Kind.TEAM, parent=department)
            # The first team's manager and first rep are the documented demo logins.
            first = team_code == params.DEPARTMENTS[0][2][0][1]
            manager = User(username="manager" if first else f"{team_code}-mgr",
                           role=Role.MANAGER, unit=team)
            people.append((manager, None))
            for n in range(1, params.REPS_PER_TEAM + 1):
                name = "rep" if first and n == 1 else f"{team_code}-{n:02d}"
                people.append((User(username=name, role=Role.REP, unit=team), dept_code))
    for user, _dept in people:
        user.password = password
        user.display_name = fake.name()
        user.last_name, user.first_name = user.display_name[0], user.display_name[1:]
        user.email = f"{user.username}@example.com"
        user.date_joined = joined
    User.objects.bulk_create([user for user, _dept in people])
    for user in User.objects.filter(username__in=[u.username for u, _d in people]):
        world.users[user.username] = user
    for user, dept in people:
        if dept is not None:
            rep = Rep(world.users[user.username], dept, round(rng.uniform(0.75, 1.25), 3))
            world.reps_by_department.setdefault(dept, []).append(rep)
            world.department_of[rep.user.pk] = dept
