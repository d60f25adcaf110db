"""Telling people things, in the app and (where configured) by email."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from valuecrm.notifications.models import Notification


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str | None = None


@transaction.atomic
def notify(*, notices: list[Notice]) -> int:
    """Store the notices (each dedupe key once per person) and email them after commit.
    Returns how many were new."""
    if not notices:
        return 0
    keyed = [n for n in notices if n.dedupe_key]
    told = set(Notification.objects.filter(
        dedupe_key__in=[n.dedupe_key for n in keyed]
    ).values_list("user_id", "dedupe_key")) if keyed else set()
    fresh = [n for n in notices if (n.user_id, n.dedupe_key) not in told or not n.dedupe_key]
    created = Notification.objects.bulk_create(
        [Notification(user_id=n.user_id, kind=n.kind, title=n.title, body=n.body, url=n.url,
                      dedupe_key=n.dedupe_key) for n in fresh],
        ignore_conflicts=True,
    )
    if settings.NOTIFY_BY_EMAIL:
        ids = [n.pk for n in created if n.pk] or None
        transaction.on_commit(lambda: email_notifications(ids))
    return len(fresh)


def email_notifications(ids: list[int] | None = None) -> int:
    """Email notifications not yet emailed to people who have an address."""
    pending = Notification.objects.filter(emailed_at__isnull=True).exclude(user__email="")
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    pending = list(pending.select_related("user")[:1000])
    messages = [(f"[ValueCRM] {n.title}", n.body or n.title, None, [n.user.email])
                for n in pending]
    send_mass_mail(messages, fail_silently=False)
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
        emailed_at=timezone.now()
    )
    return len(pending)


def mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the actor as read."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
