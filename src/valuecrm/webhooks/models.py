"""Outbound webhooks: subscriptions to record events and the log of every delivery."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from valuecrm.org.scope import AdminDataQuerySet

EVENTS = (
    "lead.created", "lead.assigned", "lead.converted",
    "customer.claimed", "customer.released", "customer.recycled",
    "opportunity.created", "opportunity.stage_changed", "opportunity.won", "opportunity.lost",
    "contract.created",
    "order.created", "order.stage_changed", "order.completed",
    "approval.requested", "approval.approved", "approval.rejected",
)


def validate_events(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one event."))
    if not all(isinstance(event, str) for event in value):
        raise ValidationError(_("Name each event as text, e.g. lead.created."))
    unknown = sorted(set(value) - set(EVENTS) - {"*"})
    if unknown:
        raise ValidationError(_("Unknown events: %(events)s.") % {"events": ", ".join(unknown)})


class Subscription(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"), max_length=100,
        help_text=_("Each delivery carries X-ValueCRM-Signature: sha256=HMAC(secret, body)."),
    )
    events = models.JSONField(_("events"), default=list, validators=[validate_events],
                              help_text=_("Event names, or [\"*\"] for all."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AdminDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return "*" in self.events or event in self.events


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery status", "Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(_("event"), max_length=50)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscription_id} ({self.status})"


