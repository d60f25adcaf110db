"""Claiming, releasing and recycling customers.

Claims are race-safe: the owner is set by one conditional UPDATE (`owner IS NULL`), so when
several people claim the same customer at once exactly one UPDATE matches; and each
claimant's own row is locked first, so their limits cannot be overrun by parallel claims.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Conflict, NotFound, ValidationError
from valuecrm.core.records import ensure_can_write, lock_for_write
from valuecrm.core.sql import insert_from_select, insert_history_from_select
from valuecrm.crm.models import Customer
from valuecrm.org.actions import system_user
from valuecrm.org.models import User
from valuecrm.org.scope import pools_for, unit_ancestor_ids
from valuecrm.pool.models import OwnershipChange, Pool, RecycleRule
from valuecrm.sales.models import Opportunity, Stage
from valuecrm.usage.actions import track
from valuecrm.webhooks.actions import emit


def pool_customers(user):
    """Customers waiting in the pools the user may claim from."""
    return Customer.objects.filter(owner__isnull=True, pool__in=pools_for(user))


def _history(customer: Customer, *, actor, reason: str) -> None:
    Customer.history.bulk_history_create(
        [customer], update=True, default_user=actor, default_change_reason=reason
    )


def _check_limits(actor, customer: Customer, pool: Pool, now: datetime) -> None:
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    claims_today = OwnershipChange.objects.filter(
        to_owner=actor, kind=OwnershipChange.Kind.CLAIMED, at__gte=today
    ).count()
    if claims_today >= pool.daily_claim_limit:
        raise Conflict(
            _("You have claimed %(n)s customers today, the pool's daily limit.")
            % {"n": claims_today},
            code="claim_limit_daily",
        )
    if pool.max_held is not None:
        held = Customer.objects.filter(owner=actor).count()
        if held >= pool.max_held:
            raise Conflict(
                _("You already hold %(n)s customers, the most the pool allows.") % {"n": held},
                code="claim_limit_held",
            )
    since = now - timedelta(days=pool.reclaim_cooldown_days)
    last_lost = (
        OwnershipChange.objects.filter(
            customer=customer, from_owner=actor, at__gte=since,
            kind__in=[OwnershipChange.Kind.RECYCLED, OwnershipChange.Kind.RELEASED],
        ).order_by("-at").values_list("at", flat=True).first()
    )
    if last_lost is not None:
        allowed = timezone.localtime(last_lost + timedelta(days=pool.reclaim_cooldown_days))
        raise Conflict(
            _("You gave up this customer recently; you can claim it again from %(date)s.")
            % {"date": allowed.strftime("%Y-%m-%d %H:%M")},
            code="reclaim_cooldown",
        )


@transaction.atomic
def claim_customer(*, actor, customer_id: int, now: datetime | None = None) -> Customer:
    ensure_can_write(actor)
    now = now or timezone.now()
    customer = pool_customers(actor).select_related("pool").filter(pk=customer_id).first()
    if customer is None:
        if Customer.objects.filter(pk=customer_id, pool__in=pools_for(actor)).exists():
            raise Conflict(_("Someone else has already claimed this customer."),
                           code="already_claimed")
        raise NotFound(_("No such customer in your pools."))
    # Serialises this person's claims so the limits hold under parallel requests.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_limits(actor, customer, customer.pool, now)
    won = Customer.objects.filter(pk=customer_id, owner__isnull=True).update(
        owner=actor, owned_since=now, updated_at=now, version=F("version") + 1
    )
    if won != 1:
        raise Conflict(_("Someone else has already claimed this customer."),
                       code="already_claimed")
    OwnershipChange.objects.create(
        customer_id=customer_id, kind=OwnershipChange.Kind.CLAIMED, to_owner=actor,
        pool=customer.pool, reason=_("claimed from the pool"), at=now, actor=actor,
    )
    customer.refresh_from_db()
    _history(customer, actor=actor, reason=_("claimed from the pool"))
    emit("customer.claimed", {"id": customer_id, "owner": actor.pk, "pool": customer.pool_id})
    track(actor, "pool", "claim")
    return customer


def pool_for_unit(unit) -> Pool | None:
    """The nearest active pool at or above `unit`."""
    if unit is None:
        return None
    by_unit = {p.unit_id: p for p in Pool.objects.filter(
        is_active=True, unit_id__in=unit_ancestor_ids(unit))}
    for unit_id in reversed(unit_ancestor_ids(unit)):
        if unit_id in by_unit:
            return by_unit[unit_id]
    return None


@transaction.atomic
def release_customer(*, actor, customer_id: int, reason: str) -> Customer:
    """Give a customer back to the pool (its own, or the owner's nearest one)."""
    customer = lock_for_write(actor, Customer, customer_id)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the customer goes back to the pool.")]})
    pool = customer.pool or pool_for_unit(customer.owner.unit if customer.owner else None)
    if pool is None:
        raise Conflict(_("There is no public pool for this customer's team."), code="no_pool")
    previous = customer.owner
    now = timezone.now()
    customer.owner, customer.pool, customer.owned_since = None, pool, None
    customer.version += 1
    customer.save_without_historical_record()
    OwnershipChange.objects.create(
        customer=customer, kind=OwnershipChange.Kind.RELEASED, from_owner=previous,
        pool=pool, reason=reason, at=now, actor=actor,
    )
    _history(customer, actor=actor, reason=reason)
    emit("customer.released", {"id": customer.pk, "former_owner": previous.pk if previous else None,
                               "pool": pool.pk, "reason": reason})
    return customer


@dataclass
class SweepResult:
    at: datetime
    recycled: dict[int, int] = field(default_factory=dict)  # rule id -> customers

    @property
    def total(self) -> int:
        return sum(self.recycled.values())


def due_for_rule(rule: RecycleRule, now: datetime, *, ahead: timedelta = timedelta(0)):
    """Customers that rule `rule` recycles at `now + ahead`, with their `deadline`."""
    window = timedelta(days=rule.days)
    owned = Customer.objects.filter(
        owner__isnull=False, owner__unit__path__startswith=rule.pool.unit.path
    )
    if rule.kind == RecycleRule.Kind.NO_ACTIVITY:
        touched = Coalesce("last_activity_at", "owned_since", "created_at")
        return owned.annotate(deadline=touched + window).filter(deadline__lte=now + ahead)
    since = Coalesce("owned_since", "created_at")
    won_since = Opportunity.objects.filter(
        customer=OuterRef("pk"), stage__outcome=Stage.Outcome.WON,
        closed_at__gte=OuterRef("taken_at"),
    )
    return (
        owned.annotate(taken_at=since, deadline=since + window)
        .filter(deadline__lte=now + ahead)
        .exclude(Exists(won_since))
    )


def _lock(queryset) -> None:
    """Lock the candidate rows (PostgreSQL) without pulling them into Python."""
    if connection.vendor != "postgresql":
        return  # SQLite transactions here are IMMEDIATE: the writer already holds the lock.
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH c AS ({sql} FOR UPDATE OF {Customer._meta.db_table}) "
                       "SELECT count(*) FROM c", params)


@transaction.atomic
def sweep_pools(*, now: datetime | None = None) -> SweepResult:
    """Apply every active recycle rule, set-based: a few statements per rule whatever the
    number of customers. Idempotent: a customer recycled once no longer matches."""
    now = now or timezone.now()
    result = SweepResult(at=now)
    rules = RecycleRule.objects.filter(is_active=True, pool__is_active=True).select_related(
        "pool__unit", "reassign_to"
    )
    for rule in rules:
        candidates = due_for_rule(rule, now)
        _lock(candidates)
        batch = uuid.uuid4()
        target = rule.reassign_to_id
        text, key = models.CharField(), models.BigIntegerField()
        select = candidates.order_by().values_list(
            "pk", Value(OwnershipChange.Kind.RECYCLED.value, text), "owner_id",
            Value(target, key), Value(rule.pool_id, key), Value(rule.pk, key),
            Value(rule.reason, text), Value(now, models.DateTimeField()),
            Value(batch, models.UUIDField()),
        )
        count = insert_from_select(
            OwnershipChange,
            ["customer_id", "kind", "from_owner_id", "to_owner_id", "pool_id", "rule_id",
             "reason", "at", "batch"],
            select,
        )
        if not count:
            continue
        in_batch = OwnershipChange.objects.filter(batch=batch).values("customer_id")
        Customer.all_objects.filter(pk__in=in_batch).update(
            owner_id=target, pool_id=rule.pool_id, owned_since=now if target else None,
            updated_at=now, version=F("version") + 1,
        )
        insert_history_from_select(Customer, in_batch, user_id=system_user().pk,
                                   reason=rule.reason, when=now)
        result.recycled[rule.pk] = count
        _announce_recycled(rule, batch)
    return result


def _announce_recycled(rule: RecycleRule, batch: uuid.UUID, chunk: int = 1000) -> None:
    """One webhook event per thousand customers: a sweep may recycle many at once."""
    changes = OwnershipChange.objects.filter(batch=batch).order_by("pk")
    ids = list(changes.values_list("customer_id", flat=True))
    for start in range(0, len(ids), chunk):
        emit("customer.recycled", {"customers": ids[start:start + chunk], "rule": rule.pk,
                                   "pool": rule.pool_id, "reason": rule.reason,
                                   "to_owner": rule.reassign_to_id})


def upcoming_recycles(user, *, now: datetime | None = None) -> list[dict]:
    """Customers the user can see that a rule will recycle within its pool's warning days,
    soonest first, each with the rule and the deadline."""
    now = now or timezone.now()
    rows = []
    rules = RecycleRule.objects.filter(is_active=True, pool__is_active=True).select_related(
        "pool__unit"
    )
    for rule in rules:
        due = due_for_rule(rule, now, ahead=timedelta(days=rule.pool.warn_days))
        visible = due.filter(pk__in=Customer.objects.visible_to(user).values("pk"))
        for customer in visible.select_related("owner").order_by("deadline")[:500]:
            rows.append({"customer": customer, "rule": rule, "deadline": customer.deadline})
    rows.sort(key=lambda row: row["deadline"])
    return rows

