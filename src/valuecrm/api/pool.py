"""API of the public pool: browse, claim, release, and the recycle warnings."""

from datetime import datetime

from ninja import ModelSchema, Router, Schema
from ninja.pagination import paginate

from valuecrm.api.crm import CustomerOut
from valuecrm.api.pagination import LimitOffset
from valuecrm.org.scope import pools_for
from valuecrm.pool import actions
from valuecrm.pool.models import Pool

router = Router(tags=["pool"])


class PoolOut(ModelSchema):
    class Meta:
        model = Pool
        fields = ["id", "name", "unit", "daily_claim_limit", "max_held",
                  "reclaim_cooldown_days", "warn_days"]


@router.get("/pools", response=list[PoolOut], operation_id="list_pools",
            summary="The public pools the caller may claim from")
def list_pools(request):
    return pools_for(request.auth)


@router.get("/pool/customers", response=list[CustomerOut], operation_id="list_pool_customers",
            summary="Customers waiting in the caller's pools")
@paginate(LimitOffset)
def list_pool_customers(request, pool: int | None = None, q: str | None = None):
    customers = actions.pool_customers(request.auth).prefetch_related("tags")
    if pool is not None:
        customers = customers.filter(pool_id=pool)
    if q:
        customers = customers.filter(name__icontains=q)
    return customers.order_by("-updated_at", "-pk")


@router.post("/pool/customers/{int:pk}/claim", response=CustomerOut,
             operation_id="claim_customer",
             summary="Claim a customer from the pool (409 with the reason when refused)")
def claim(request, pk: int):
    return actions.claim_customer(actor=request.auth, customer_id=pk)


class ReleaseIn(Schema):
    reason: str


@router.post("/customers/{int:pk}/release", response=CustomerOut,
             operation_id="release_customer", summary="Give a customer back to the pool")
def release(request, pk: int, payload: ReleaseIn):
    return actions.release_customer(actor=request.auth, customer_id=pk, reason=payload.reason)


class UpcomingOut(Schema):
    customer: int
    customer_name: str
    owner: int | None
    rule: int
    reason: str
    deadline: datetime


@router.get("/pool/upcoming-recycles", response=list[UpcomingOut],
            operation_id="list_upcoming_recycles",
            summary="The caller's customers that a rule will recycle soon, soonest first")
def upcoming(request):
    return [
        {"customer": row["customer"].pk, "customer_name": row["customer"].name,
         "owner": row["customer"].owner_id, "rule": row["rule"].pk,
         "reason": row["rule"].reason, "deadline": row["deadline"]}
        for row in actions.upcoming_recycles(request.auth)
    ]
