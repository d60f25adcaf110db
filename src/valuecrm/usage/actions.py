"""Recording usage from domain actions, release dates, and the retention purge."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Forbidden, ValidationError
from valuecrm.org.actions import SYSTEM_USERNAME
from valuecrm.usage import buffer
from valuecrm.usage.features import features
from valuecrm.usage.models import FeatureRelease, UsageDay, UsageEvent


def track(actor, feature: str, action: str, *, duration_ms: int | None = None) -> None:
    """Count one key domain action (create a lead, claim, approve, import, ...) by `actor`.

    Recorded when the surrounding transaction commits, so a refused or rolled-back action
    is not counted; system jobs and anonymous callers are not people using the system."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.pk:
        return
    if actor.username == SYSTEM_USERNAME:
        return
    session = buffer.current_session.get()
    values = {"user_id": actor.pk, "unit_id": actor.unit_id, "feature": feature,
              "action": action, "duration_ms": duration_ms, "session": session}
    transaction.on_commit(lambda: buffer.record(at=timezone.now(), **values))


def set_feature_release(*, actor, feature: str, released_on: date,
                        note: str = "") -> FeatureRelease:
    if not actor.sees_everything or actor.is_read_only:
        raise Forbidden(_("Only an administrator can set release dates."), code="admin_only")
    if feature not in features():
        raise ValidationError({"feature": [_("Unknown feature %(key)s.") % {"key": feature}]})
    release, _created = FeatureRelease.objects.update_or_create(
        feature=feature, defaults={"released_on": released_on, "note": note})
    return release


def purge_usage(*, older_than_days: int | None = None, today: date | None = None) -> dict:
    """Delete usage events and active days older than the retention (USAGE_RETENTION_DAYS)."""
    days = settings.USAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 1:
        raise ValidationError({"older_than_days": [_("Keep at least one day.")]})
    cutoff = (today or timezone.localdate()) - timedelta(days=days)
    start = timezone.make_aware(timezone.datetime.combine(cutoff, timezone.datetime.min.time()))
    with transaction.atomic():
        events, _e = UsageEvent.objects.filter(occurred_at__lt=start).delete()
        marks, _m = UsageDay.objects.filter(day__lt=cutoff).delete()
    return {"cutoff": cutoff.isoformat(), "events": events, "days": marks}
