"""The public pool (公海): where customers nobody works on go, and the rules that send them.

A customer is in a pool when it has no owner and `Customer.pool` names the pool. Every change
of hands (claim, release, recycle, assignment) is kept in `OwnershipChange`, which is what
claim limits, the reclaim cooldown and the pool metrics read.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valuecrm.core.models import TimeStamped
from valuecrm.org.scope import ReferenceQuerySet


class Pool(TimeStamped):
    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
        related_name="pools",
        help_text=_("People in this unit and below it see the pool and claim from it."),
    )
    daily_claim_limit = models.PositiveSmallIntegerField(
        _("claims per person per day"), default=10
    )
    max_held = models.PositiveIntegerField(
        _("customers held per person"), null=True, blank=True, default=200,
        help_text=_("Empty: no limit."),
    )
    reclaim_cooldown_days = models.PositiveSmallIntegerField(
        _("days before a former owner may reclaim"), default=30
    )
    warn_days = models.PositiveSmallIntegerField(
        _("days of warning before a recycle"), default=3
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("public pool")
        verbose_name_plural = _("public pools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecycleRule(models.Model):
    class Kind(models.TextChoices):
        NO_ACTIVITY = "no_activity", _("No follow-up activity for N days")
        NOT_WON = "not_won", _("Not won within N days of being taken")

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    reassign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("give to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: the customer goes back to the pool."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recycle rule")
        verbose_name_plural = _("recycle rules")
        ordering = ["pool", "days"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="recycle_days_positive")
        ]

    def __str__(self) -> str:
        return f"{self.pool}: {self.get_kind_display()} ({self.days})"

    @property
    def reason(self) -> str:
        if self.kind == self.Kind.NO_ACTIVITY:
            return f"no follow-up for {self.days} days (rule {self.pk})"
        return f"not won within {self.days} days (rule {self.pk})"


class OwnershipChange(models.Model):
    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("Claimed from the pool")
        RELEASED = "released", _("Released to the pool")
        RECYCLED = "recycled", _("Recycled by a rule")
        ASSIGNED = "assigned", _("Assigned")

    customer = models.ForeignKey(
        "crm.Customer", on_delete=models.CASCADE, related_name="ownership_changes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    pool = models.ForeignKey(Pool, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    rule = models.ForeignKey(RecycleRule, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty for the scheduled sweep."),
    )
    batch = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["to_owner", "kind", "at"]),
            models.Index(fields=["customer", "from_owner", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.at:%Y-%m-%d}"
