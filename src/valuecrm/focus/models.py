"""Saved views: a list's filters, sort and columns under a name, personal or shared."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from valuecrm.core.models import TimeStamped
from valuecrm.org.scope import SharedQuerySet


class SavedView(TimeStamped):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("list"), max_length=50, help_text=_("The list it applies to, e.g. leads.")
    )
    # Checked against the list endpoint's filter schema, ordering and output fields by
    # focus.actions, so a saved view always opens as a valid list query.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    ordering = models.CharField(_("sort"), max_length=200, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    shared_with = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("shared with"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Empty: only you see it. A unit: everyone in it and below it."),
    )

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint("owner", "kind", "name", name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class ListColumns(models.Model):
    """The columns one person chose to see on one list of the pages (absent: all)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("list"), max_length=50)
    columns = models.JSONField(_("columns"), default=list)

    class Meta:
        verbose_name = _("list columns")
        verbose_name_plural = _("list columns")
        constraints = [models.UniqueConstraint("owner", "kind", name="list_columns_once")]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.kind}"
