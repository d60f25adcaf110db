"""Usage of ValueCRM itself (埋点): one row per page view, API call or key domain action,
plus one marker per person and day they used the system.

No field values are stored: only who (user and their team at the time), which feature
(a key from `usage/features.yaml`), what kind of action, when, how long and in which
session (a hash of the session key or API token, never the key itself).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from valuecrm.org.scope import ScopedManager


class UsageEvent(models.Model):
    # Scoped like a record owned by the person who used the system: a rep sees their own
    # usage, a manager their subtree's, analysts and admins everyone's.
    scope_owner = "user"

    # A log, not a relation to keep consistent: no database constraint, so a buffered
    # event never fails its batch because of a concurrent change to users or units.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                             help_text=_("The person's unit when the event happened."))
    feature = models.CharField(_("feature"), max_length=64)
    action = models.CharField(_("action"), max_length=32)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    session = models.CharField(_("session"), max_length=20, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["user", "occurred_at"]),
                   models.Index(fields=["feature", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.feature}.{self.action} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class UsageDay(models.Model):
    """A person used the system on a (local) day: DAU/WAU/MAU and stickiness count these
    rows instead of scanning events, and the catalog can count person-days."""

    scope_owner = "user"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    day = models.DateField(_("day"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("active day")
        verbose_name_plural = _("active days")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint("user", "day", name="usage_day_once")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class FeatureRelease(models.Model):
    """When a feature became available here: time to adopt counts from this date."""

    feature = models.CharField(_("feature"), max_length=64, unique=True)
    released_on = models.DateField(_("released on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("feature release")
        verbose_name_plural = _("feature releases")
        ordering = ["released_on", "feature"]

    def __str__(self) -> str:
        return f"{self.feature} ({self.released_on})"
