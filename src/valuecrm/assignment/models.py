"""Assignment rules: who receives new leads, and the log of every (re)assignment."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.org.scope import ReferenceQuerySet


class AssignmentRule(models.Model):
    """A rule matches leads (by channel, region, industry; empty = any) and distributes
    them over its members, skipping members at their cap of open leads. Rules are tried by
    priority; the first with a member under the cap wins."""

    class Method(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("Round robin")
        WEIGHTED = "weighted", _("Weighted by capacity")

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+",
        help_text=_("Without listed members, every active rep in this unit and below it."),
    )
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.ROUND_ROBIN
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100,
                                                help_text=_("Lower runs first."))
    channel = models.ForeignKey(
        "crm.Channel", verbose_name=_("channel"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    regions = models.JSONField(_("regions"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    max_open_leads = models.PositiveIntegerField(
        _("most open leads per person"), null=True, blank=True,
        validators=[MinValueValidator(1)], help_text=_("Empty: no cap."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    def matches(self, lead) -> bool:
        if self.channel_id and lead.channel_id != self.channel_id:
            return False
        if self.regions and not any(r and r in lead.region for r in self.regions):
            return False
        return not (self.industries and lead.industry not in self.industries)


class AssignmentMember(models.Model):
    rule = models.ForeignKey(AssignmentRule, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1,
                                              validators=[MinValueValidator(1)])
    assigned_count = models.PositiveIntegerField(default=0, editable=False)
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rule member")
        verbose_name_plural = _("rule members")
        constraints = [models.UniqueConstraint("rule", "user", name="one_membership_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.user}"


class LeadAssignment(models.Model):
    """Every time a lead changed hands: by a rule, or by a person with a reason."""

    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="assignments")
    from_owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    to_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    rule = models.ForeignKey(AssignmentRule, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lead assignment")
        verbose_name_plural = _("lead assignments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.lead_id} -> {self.to_owner_id}"
