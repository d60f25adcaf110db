"""The audit of hard deletions: what was erased, by whom, why. It outlives the records."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PurgedRecord(models.Model):
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.BigIntegerField(_("record id"))
    label = models.CharField(_("record"), max_length=300)
    # The record's field values as they were, so a purge can be explained (and undone by
    # hand) without a backup.
    snapshot = models.JSONField(_("values"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("deleted by"),
                              null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("deleted by"), max_length=150)
    reason = models.CharField(_("reason"), max_length=500)
    batch = models.UUIDField(_("batch"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("permanently deleted record")
        verbose_name_plural = _("permanently deleted records")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} ({self.label})"
