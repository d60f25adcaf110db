"""What the system tells a person: new assignments, recycle warnings, overdue payments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Lead assigned")
        RECYCLE_WARNING = "recycle_warning", _("Customer about to be recycled")
        OVERDUE_PAYMENT = "overdue_payment", _("Payment overdue")
        APPROVAL = "approval", _("Approval waiting")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The same fact is told once: jobs that run daily pass a key such as
    # "recycle:<customer>:<deadline date>".
    dedupe_key = models.CharField(max_length=120, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]
        constraints = [
            models.UniqueConstraint("user", "dedupe_key", name="notification_told_once")
        ]

    def __str__(self) -> str:
        return self.title
