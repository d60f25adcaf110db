"""Requirements, initiatives and operations cycles: what the system and the business set out
to change, what shipped, and the metric targets each cycle of operations aims for.

Each record names the metric keys of the catalog it serves (validated against the catalog),
so its measure of success is computed by the metric engine, never typed in.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.core.models import TimeStamped, Versioned
from valuecrm.org.scope import ScopedManager


def check_metric_key(key: str) -> None:
    from valuecrm.metrics.catalog import get_catalog

    if key and key not in get_catalog().metrics:
        raise ValidationError(_("No metric %(key)s in the catalog.") % {"key": key})


class Owned(TimeStamped, Versioned):
    """Planning records are scoped like business records: by the person responsible."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="+")
    scope_owner = "owner"
    objects = ScopedManager()

    class Meta:
        abstract = True


class Requirement(Owned):
    class Kind(models.TextChoices):
        ESSENTIAL = "essential", _("Essential business need")
        PERSONALISED = "personalised", _("Team's personalised need")
        CORE = "core", _("Core positioning")

    class Kano(models.TextChoices):
        MUST_BE = "must_be", _("Must-be")
        PERFORMANCE = "performance", _("Performance")
        ATTRACTIVE = "attractive", _("Attractive")
        INDIFFERENT = "indifferent", _("Indifferent")
        REVERSE = "reverse", _("Reverse")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PLANNED = "planned", _("Planned")
        SHIPPED = "shipped", _("Shipped")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    urgent = models.BooleanField(_("urgent"), default=False)
    important = models.BooleanField(_("important"), default=False)
    kano = models.CharField(_("KANO category"), max_length=20, choices=Kano.choices,
                            default=Kano.PERFORMANCE)
    business_goal = models.CharField(_("business goal"), max_length=200, blank=True)
    metric_key = models.CharField(_("metric"), max_length=100, blank=True,
                                  validators=[check_metric_key])
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PROPOSED)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_business_goal(self) -> bool:
        return bool(self.metric_key or self.business_goal.strip())

    @property
    def quadrant(self) -> str:
        """Urgency x importance (Eisenhower): do first, plan, delegate, drop."""
        return {(True, True): "do_first", (False, True): "plan",
                (True, False): "delegate", (False, False): "drop"}[
            (self.urgent, self.important)]


class Initiative(Owned):
    name = models.CharField(_("name"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    launch_date = models.DateField(_("launch date"))
    requirements = models.ManyToManyField(Requirement, verbose_name=_("requirements"),
                                          blank=True, related_name="initiatives")
    estimated_value = models.DecimalField(
        _("estimated value"), max_digits=16, decimal_places=2, null=True, blank=True,
        help_text=_("Rough value per year estimated before launch (CNY)."))
    measure_days = models.PositiveIntegerField(
        _("days measured"), default=90,
        help_text=_("Days before and after launch compared to measure the effect."))
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-launch_date", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(measure_days__gte=7), name="initiative_measures_a_week",
            violation_error_message=_("Measure at least 7 days before and after launch."))]

    def __str__(self) -> str:
        return self.name


class InitiativeMetric(models.Model):
    """A metric the initiative should move, with the relative change expected (-0.5: halve)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="metrics")
    metric_key = models.CharField(_("metric"), max_length=100, validators=[check_metric_key])
    expected_change = models.DecimalField(_("expected change"), max_digits=8, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("initiative metric")
        verbose_name_plural = _("initiative metrics")
        ordering = ["id"]
        constraints = [models.UniqueConstraint("initiative", "metric_key",
                                               name="initiative_metric_once"),
                       models.CheckConstraint(condition=~Q(expected_change=0),
                                              name="initiative_expects_a_change")]

    def __str__(self) -> str:
        return f"{self.metric_key} {self.expected_change:+}"


class OperationsCycle(Owned):
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("goal"), blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    hold_days = models.PositiveIntegerField(
        _("days the targets must hold"), default=28,
        help_text=_("The cycle is achieved when every target holds this long."))
    initiatives = models.ManyToManyField(Initiative, verbose_name=_("plan"), blank=True,
                                         related_name="cycles")
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("operations cycle")
        verbose_name_plural = _("operations cycles")
        ordering = ["start", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")),
                                              name="cycle_span_ordered"),
                       models.CheckConstraint(condition=Q(hold_days__gte=1),
                                              name="cycle_holds_a_day")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": [_("The end date is before the start date.")]})


class CycleTarget(models.Model):
    """A metric value the cycle aims for: at least it (metrics where higher is better) or at
    most it (lower is better)."""

    cycle = models.ForeignKey(OperationsCycle, on_delete=models.CASCADE, related_name="targets")
    metric_key = models.CharField(_("metric"), max_length=100, validators=[check_metric_key])
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cycle target")
        verbose_name_plural = _("cycle targets")
        ordering = ["id"]
        constraints = [models.UniqueConstraint("cycle", "metric_key", name="cycle_target_once")]

    def __str__(self) -> str:
        return f"{self.metric_key} {self.target}"
