"""Who imported what, when, with which outcome: the audit trail of imports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valuecrm.org.scope import ScopedManager


class ImportJob(models.Model):
    """One run of `import_records`, recorded outside the import's transaction so that a
    failed or refused import is recorded too (usage tracking, the import wizard)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        IMPORTED = "imported", _("Imported")
        CHECKED = "checked", _("Checked (dry run)")
        FAILED = "failed", _("Failed")

    scope_owner = "actor"

    kind = models.CharField(_("kind"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    options = models.JSONField(_("options"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    rows = models.PositiveIntegerField(_("data rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped duplicates"), default=0)
    invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    error_report = models.CharField(_("error report"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"
