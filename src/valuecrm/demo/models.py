"""The record of a demo build: what was generated, from which seed, and when the CRM
"went live" in the story, so reports can compare before and after."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoRun(models.Model):
    seed = models.BigIntegerField(_("seed"))
    scale = models.CharField(_("scale"), max_length=20)
    anchor_date = models.DateField(
        _("anchor date"), help_text=_("The generated history ends the day before this date.")
    )
    go_live_date = models.DateField(
        _("go-live date"), help_text=_("From this day on, work in the demo data speeds up.")
    )
    built_at = models.DateTimeField(_("built at"))
    build_seconds = models.FloatField(_("build time (seconds)"))
    counts = models.JSONField(_("row counts"), default=dict)
    digest = models.CharField(_("data digest"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("demo build")
        verbose_name_plural = _("demo builds")
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"{self.scale} seed={self.seed} anchor={self.anchor_date}"
