"""Targets: a value of a metric for one org unit or one person over one date span."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.core.models import TimeStamped
from valuecrm.org.scope import ScopedManager


class Target(TimeStamped):
    metric_key = models.CharField(_("metric"), max_length=100, db_index=True)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="targets",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="targets",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["metric_key", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True, user__isnull=False)
                | Q(unit__isnull=False, user__isnull=True),
                name="target_for_a_unit_or_a_person",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")),
                                   name="target_span_ordered"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
            models.UniqueConstraint("metric_key", "unit", "start", "end",
                                    name="target_unique_per_unit"),
            models.UniqueConstraint("metric_key", "user", "start", "end",
                                    name="target_unique_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.metric_key} {self.unit or self.user} {self.start}..{self.end}"

    def clean(self):
        if (self.unit_id is None) == (self.user_id is None):
            raise ValidationError({"unit": [_("Set the target for a unit or for a person.")]})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": [_("The end date is before the start date.")]})


class RollupState(models.Model):
    """When each rollup (metrics/rollups.py) was last rebuilt and the time zone its days
    are in; the engine reads a rollup only while that zone is the query's."""

    name = models.CharField(max_length=50, primary_key=True)
    time_zone = models.CharField(max_length=64)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"


class ActivityDay(models.Model):
    """crm.Activity counted per local day, owner, kind and whether it is on a customer,
    with the sum of durations: written only by the database triggers of migration 0002
    (never by the application), read by the metric engine. See rollups.ACTIVITY_DAY."""

    day = models.DateField()
    # No foreign-key constraint nor index of its own: the triggers write here inside every
    # activity write, the activity's constraint already guarantees the owner exists, and
    # reads go by the unique key (day first).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, db_index=False, related_name="+")
    kind = models.CharField(max_length=20)
    customer_isnull = models.BooleanField()
    n = models.BigIntegerField()
    duration_seconds = models.BigIntegerField()

    scope_owner = "owner"
    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "owner", "kind", "customer_isnull"],
                                    name="activityday_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.owner_id} {self.kind}: {self.n}"


class ActivityCustomerMonth(models.Model):
    """crm.Activity on customers counted per local month, owner and customer: written only
    by the triggers of migration 0003, read by the engine for distinct customers followed
    (see rollups.ACTIVITY_CUSTOMER_MONTH)."""

    month = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, db_index=False, related_name="+")
    customer = models.ForeignKey("crm.Customer", on_delete=models.DO_NOTHING,
                                 db_constraint=False, db_index=False, related_name="+")
    n = models.BigIntegerField()

    scope_owner = "owner"
    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "owner", "customer"],
                                    name="activitycustomermonth_key"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.owner_id} {self.customer_id}: {self.n}"
