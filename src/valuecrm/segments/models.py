"""Tag rules, the log of every tag added or removed, and saved segments.

Both rules and segments hold a *definition*: a JSON condition over customer fields, tags and
behaviour (see conditions.py), compiled to one SQL WHERE clause so a count over millions of
customers is one query.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.core.models import TimeStamped
from valuecrm.org.scope import MarketingQuerySet, ScopedManager


class DefinitionMixin(models.Model):
    definition = models.JSONField(
        _("conditions"), default=dict,
        help_text=_('For example {"all": [{"field": "industry", "value": "母婴"}, '
                    '{"inactive_days": 60}]}'),
    )

    class Meta:
        abstract = True

    def clean(self):
        from valuecrm.segments.conditions import validate

        validate(self.definition)


class TagRule(DefinitionMixin, TimeStamped):
    """Customers matching the definition carry `tag`; when they stop matching, the rule
    takes back the tag it gave (never one a person or an import gave)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    tag = models.ForeignKey("crm.Tag", verbose_name=_("tag"), on_delete=models.PROTECT,
                            related_name="rules")
    is_active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MarketingQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag rule")
        verbose_name_plural = _("tag rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TagRuleMember(models.Model):
    """The customers a rule currently tags: what the rule may take back."""

    rule = models.ForeignKey(TagRule, on_delete=models.CASCADE, related_name="members")
    customer = models.ForeignKey("crm.Customer", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tag rule member")
        verbose_name_plural = _("tag rule members")
        constraints = [models.UniqueConstraint("rule", "customer", name="tag_rule_member_once")]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.customer_id}"


class TagChange(models.Model):
    """When and why a tag was added to or removed from a customer, by whom or which rule."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")

    class Source(models.TextChoices):
        HAND = "hand", _("By hand")
        IMPORT = "import", _("Import")
        RULE = "rule", _("Rule")

    scope_owner = "customer__owner"

    tag = models.ForeignKey("crm.Tag", verbose_name=_("tag"), on_delete=models.CASCADE,
                            related_name="changes")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"),
                                 on_delete=models.CASCADE, related_name="tag_changes")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    rule = models.ForeignKey(TagRule, verbose_name=_("rule"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="changes")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tag change")
        verbose_name_plural = _("tag changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "at"])]

    def __str__(self) -> str:
        return f"{self.tag_id} {self.action} {self.customer_id}"


class Segment(DefinitionMixin, TimeStamped):
    """A saved audience. Its members are always counted within the reader's scope."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                              on_delete=models.PROTECT, related_name="segments")
    history = HistoricalRecords()

    objects = MarketingQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
