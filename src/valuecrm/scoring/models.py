"""Stored win probabilities and the frequency tables they were computed from.

`Score` rows are written by `recompute_scores` (a job); they are read through the record
they belong to, so the record's data scope is the score's scope.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LEAD = "lead", _("Lead")
    OPPORTUNITY = "opportunity", _("Opportunity")


class Basis(models.TextChoices):
    MODEL = "model", _("Predicted from closed history")
    PRIOR = "prior", _("Prior: too little closed history")
    CLOSED = "closed", _("Closed: the outcome is known")


class ScoreModel(models.Model):
    """The naive Bayes frequency tables of one record kind, as of the last recompute."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    won = models.PositiveIntegerField(_("won in history"), default=0)
    lost = models.PositiveIntegerField(_("lost in history"), default=0)
    tables = models.JSONField(_("frequency tables"), default=dict)

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")

    def __str__(self) -> str:
        return f"{self.kind} ({self.won} won / {self.lost} lost)"


class Score(models.Model):
    lead = models.OneToOneField(
        "crm.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="score"
    )
    opportunity = models.OneToOneField(
        "sales.Opportunity", null=True, blank=True, on_delete=models.CASCADE,
        related_name="score",
    )
    probability = models.FloatField(_("win probability"))
    log_odds = models.FloatField(_("log-odds"))
    base_log_odds = models.FloatField(_("base log-odds"))
    factors = models.JSONField(_("factors"), default=list)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False, opportunity__isnull=True)
                | Q(lead__isnull=True, opportunity__isnull=False),
                name="score_belongs_to_one_record",
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="score_probability_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id or self.opportunity_id}: {self.probability:.0%}"
