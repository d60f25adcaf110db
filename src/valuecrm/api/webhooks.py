"""API for webhook subscriptions (administrators) and their delivery log."""

from ninja import FilterSchema, ModelSchema, Router
from ninja.pagination import paginate

from valuecrm.api.crud import Resource, register, write_schemas
from valuecrm.api.pagination import LimitOffset
from valuecrm.webhooks.models import Delivery, Subscription

router = Router(tags=["webhooks"])

FIELDS = ["name", "url", "secret", "events", "is_active"]


class SubscriptionOut(ModelSchema):
    class Meta:
        model = Subscription
        fields = ["id", "name", "url", "events", "is_active", "created_at"]


SubscriptionIn, SubscriptionPatch = write_schemas(Subscription, FIELDS)


class SubscriptionFilter(FilterSchema):
    is_active: bool | None = None


register(router, Resource(
    path="webhooks", model=Subscription, out=SubscriptionOut, create_in=SubscriptionIn,
    update_in=SubscriptionPatch, filters=SubscriptionFilter, ordering=("name", "created_at"),
))


class DeliveryOut(ModelSchema):
    class Meta:
        model = Delivery
        fields = ["id", "event", "payload", "status", "attempts", "last_status_code",
                  "last_error", "next_attempt_at", "created_at", "delivered_at"]


@router.get("/webhooks/{int:pk}/deliveries", response=list[DeliveryOut],
            operation_id="list_webhook_deliveries", summary="A subscription's delivery log")
@paginate(LimitOffset)
def deliveries(request, pk: int, status: Delivery.Status | None = None):
    subscription = Subscription.objects.get_visible(request.auth, pk)
    log = subscription.deliveries.all()
    return log.filter(status=status) if status else log
