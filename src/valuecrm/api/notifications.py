"""The caller's notifications."""

from ninja import ModelSchema, Router, Schema
from ninja.pagination import paginate

from valuecrm.api.pagination import LimitOffset
from valuecrm.core.errors import NotFound
from valuecrm.notifications.actions import mark_read
from valuecrm.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(ModelSchema):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class CountOut(Schema):
    unread: int


@router.get("/notifications", response=list[NotificationOut], operation_id="list_notifications",
            summary="The caller's notifications, newest first")
@paginate(LimitOffset)
def list_notifications(request, unread: bool = False):
    mine = Notification.objects.filter(user=request.auth)
    return mine.filter(read_at__isnull=True) if unread else mine


@router.get("/notifications/unread-count", response=CountOut,
            operation_id="count_unread_notifications")
def unread_count(request):
    return {"unread": Notification.objects.filter(user=request.auth,
                                                  read_at__isnull=True).count()}


@router.post("/notifications/{int:pk}/read", response=CountOut,
             operation_id="read_notification", summary="Mark one notification read")
def read_one(request, pk: int):
    if not Notification.objects.filter(user=request.auth, pk=pk).exists():
        raise NotFound("No such notification.")
    mark_read(actor=request.auth, notification_id=pk)
    return unread_count(request)


@router.post("/notifications/read-all", response=CountOut, operation_id="read_all_notifications")
def read_all(request):
    mark_read(actor=request.auth)
    return {"unread": 0}
