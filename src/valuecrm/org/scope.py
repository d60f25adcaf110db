"""Data scope: who sees and who may change which records. The ONE place this is decided.

Every scoped model names the lookup to its owning user in `scope_owner` (e.g. "owner" or
"customer__owner"); the metric rollups (metrics.ActivityDay, ActivityCustomerMonth) keep
their source's owner as a key and name it the same way, so a report from a rollup is scoped
by exactly the rule of the rows it adds up. API handlers, pages, exports, search, reports
and jobs acting for a user all start from `Model.objects.visible_to(user)` or
`.editable_by(user)`; nothing else filters by owner for access control.

- rep: records they own;
- team manager / department head: records owned by anyone in their unit's subtree;
- analyst: everything, read only;
- admin / superuser: everything;
- anonymous or inactive: nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuecrm.core.errors import NotFound


def _read_filter(model, user) -> Q | None:
    """Q restricting `model` to what `user` may read; None means no restriction."""
    owner = model.scope_owner
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return None
    if user.manages_subtree and user.unit_id:
        return Q(**{f"{owner}__unit__path__startswith": user.unit.path})
    return Q(**{owner: user})


class ScopedQuerySet(models.QuerySet):
    def deleted(self):
        """Soft-deleted rows (reached through `all_objects`): the recycle bin."""
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user):
        q = _read_filter(self.model, user)
        return self if q is None else self.filter(q)

    def editable_by(self, user):
        if user is not None and getattr(user, "is_read_only", False):
            return self.none()
        return self.visible_to(user)

    def get_visible(self, user, pk):
        """The record if `user` may read it; NotFound otherwise (out of scope looks absent)."""
        try:
            return self.visible_to(user).get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise NotFound(f"{self.model._meta.verbose_name} {pk} not found") from None


class AliveManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Default manager of soft-deletable records: deleted rows are invisible."""

    def get_queryset(self):
        qs = super().get_queryset()
        if hasattr(self.model, "deleted_at"):
            qs = qs.filter(deleted_at__isnull=True)
        return qs


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class ReferenceQuerySet(models.QuerySet):
    """Shared reference data (channels, products, tags, stages): everyone signed in reads
    it, only administrators change it."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self

    def editable_by(self, user):
        if user is None or not user.is_authenticated or not user.sees_everything:
            return self.none()
        if user.is_read_only:
            return self.none()
        return self

    get_visible = ScopedQuerySet.get_visible


class MarketingQuerySet(ReferenceQuerySet):
    """Shared marketing definitions (segments, tag rules): everyone signed in reads them
    (a segment's count is always taken within the reader's own scope); managers,
    department heads and administrators change them, since they run campaigns."""

    def editable_by(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_read_only or not (user.sees_everything or user.manages_subtree):
            return self.none()
        return self


def can_run_campaigns(user) -> bool:
    """Campaigns are run by managers, department heads and administrators; each reaches
    only the customers in its owner's scope."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and not user.is_read_only and (user.sees_everything or user.manages_subtree))


class AdminDataQuerySet(ReferenceQuerySet):
    """Company configuration that reveals data from everywhere (webhook subscriptions):
    only analysts (read) and administrators see it."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.sees_everything:
            return self.none()
        return self


class SharedQuerySet(models.QuerySet):
    """Things people make for themselves and may share with a unit (saved views): each
    person sees their own and those shared with their unit or a unit above it (a view shared
    with a department reaches all its teams); only the owner changes or deletes one.
    Personal means personal: administrators do not see others' unshared items."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        mine = Q(owner=user)
        if user.unit_id:
            mine |= Q(shared_with_id__in=unit_ancestor_ids(user.unit))
        return self.filter(mine)

    def editable_by(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(owner=user)

    get_visible = ScopedQuerySet.get_visible


def unit_ancestor_ids(unit) -> list[int]:
    """The unit and every unit above it, from its materialised path."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def pools_for(user):
    """Public pools the user sees and claims from: those of their unit or any unit above
    it (a department's pool serves all its teams); every pool for analysts and admins."""
    from valuecrm.pool.models import Pool

    pools = Pool.objects.filter(is_active=True)
    if user is None or not user.is_authenticated or not user.is_active:
        return pools.none()
    if user.sees_everything:
        return pools
    if not user.unit_id:
        return pools.none()
    return pools.filter(unit_id__in=unit_ancestor_ids(user.unit))


def can_create(actor, model) -> bool:
    if actor.is_read_only:
        return False
    if issubclass(model._default_manager._queryset_class, ReferenceQuerySet):
        return actor.sees_everything
    return True


def can_own(actor, owner) -> bool:
    """May `actor` give a record to `owner` (create it for them, or reassign it)?"""
    if actor.is_read_only:
        return False
    if actor.sees_everything:
        return True
    if owner is None:
        return False
    if actor.manages_subtree and actor.unit_id and owner.unit_id:
        return owner.unit.path.startswith(actor.unit.path)
    return owner.pk == actor.pk


def can_see_unit(user, unit) -> bool:
    """May `user` see the figures of `unit` as a whole (its subtree's records)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything:
        return True
    return bool(user.manages_subtree and user.unit_id
                and unit.path.startswith(user.unit.path))


def can_see_person(user, person) -> bool:
    """May `user` see the figures of `person` (a rep's own, a manager's people)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything or person.pk == user.pk:
        return True
    return bool(user.manages_subtree and user.unit_id and person.unit_id
                and person.unit.path.startswith(user.unit.path))


def can_see_costs(user) -> bool:
    """Company costs (a channel's monthly spend, hence ROI) are company-wide figures: shown
    to analysts and administrators, and to sales roles only when COSTS_VISIBLE_TO_SALES."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.sees_everything or settings.COSTS_VISIBLE_TO_SALES)
