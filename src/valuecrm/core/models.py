"""Abstract bases shared by every business record."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """Optimistic locking: a write that names an older version is refused (see records.update)."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class SoftDeletable(models.Model):
    """Soft-deleted rows stay in the table, hidden by `objects`, listed in the recycle bin.

    `deletion_batch` ties a record to the dependants deleted with it, so restore brings the
    whole group back and nothing else.
    """

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deletion_batch = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def mark_deleted(self, *, actor, batch: uuid.UUID, when) -> None:
        self.deleted_at = when
        self.deleted_by = actor
        self.deletion_batch = batch

    def mark_restored(self) -> None:
        self.deleted_at = None
        self.deleted_by = None
        self.deletion_batch = None
