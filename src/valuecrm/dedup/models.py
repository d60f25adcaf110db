"""Lead cleaning rules: the filters a new lead passes before it is assigned."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.crm.models import Channel

# Lead fields a "missing required data" rule may demand.
REQUIRABLE_FIELDS = ("name", "company_name", "phone", "email", "region", "industry", "channel")
DUPLICATE_FIELDS = ("phone", "email", "company")


def _split(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,，;；]+", (text or "").strip().lower()) if part]


class CleaningRule(models.Model):
    class Kind(models.TextChoices):
        INVALID_PHONE = "invalid_phone", _("Invalid phone")
        BLOCKED_EMAIL_DOMAIN = "blocked_email_domain", _("Blocked email domain")
        BLOCKED_CHANNEL = "blocked_channel", _("Blocked channel")
        DUPLICATE = "duplicate", _("Duplicate")
        MISSING_REQUIRED = "missing_required", _("Missing required data")

    name = models.CharField(
        _("name"), max_length=200, unique=True,
        help_text=_("Shown as the disqualification reason of the leads it filters."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Rules run in this order; the first that "
                                              "filters a lead gives the reason.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    mobile_only = models.BooleanField(
        _("mobile numbers only"), default=False,
        help_text=_("Invalid phone: besides placeholder numbers such as 13800000000, also "
                    "filter numbers that are not mobile numbers."),
    )
    email_domains = models.TextField(
        _("blocked email domains"), blank=True,
        help_text=_("Blocked email domain: one or more domains (subdomains included), "
                    "separated by spaces, commas or new lines."),
    )
    channels = models.ManyToManyField(
        Channel, verbose_name=_("blocked channels"), blank=True, related_name="+"
    )
    required_fields = models.CharField(
        _("required fields"), max_length=200, blank=True,
        help_text=_("Missing required data: lead fields that must be filled, e.g. "
                    "“phone, company_name”. Any of: name, company_name, phone, email, region, "
                    "industry, channel."),
    )
    duplicate_fields = models.CharField(
        _("compare"), max_length=100, blank=True, default="phone, email",
        help_text=_("Duplicate: which values make a lead a duplicate of an existing lead, "
                    "customer or contact: phone, email, company."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cleaning rule")
        verbose_name_plural = _("cleaning rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def blocked_domains(self) -> list[str]:
        return [d.lstrip("@") for d in _split(self.email_domains)]

    @property
    def required(self) -> list[str]:
        return _split(self.required_fields)

    @property
    def compared(self) -> list[str]:
        return _split(self.duplicate_fields)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.BLOCKED_EMAIL_DOMAIN and not self.blocked_domains:
            errors["email_domains"] = [_("Name at least one domain.")]
        if self.kind == self.Kind.MISSING_REQUIRED:
            unknown = set(self.required) - set(REQUIRABLE_FIELDS)
            if unknown or not self.required:
                errors["required_fields"] = [
                    _("Choose from: %(fields)s.") % {"fields": ", ".join(REQUIRABLE_FIELDS)}
                ]
        if self.kind == self.Kind.DUPLICATE:
            unknown = set(self.compared) - set(DUPLICATE_FIELDS)
            if unknown or not self.compared:
                errors["duplicate_fields"] = [
                    _("Choose from: %(fields)s.") % {"fields": ", ".join(DUPLICATE_FIELDS)}
                ]
        if errors:
            raise ValidationError(errors)
