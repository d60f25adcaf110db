"""Targets: a value of a metric for one org unit or one person over one date span."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.core.models import TimeStamped


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
