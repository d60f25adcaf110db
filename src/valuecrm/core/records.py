"""The write layer for business records: create, update, soft delete, restore.

Every page, API handler, import and job writes records through these functions (or through
a domain action that calls them), so that the same rules hold on every path:
- the actor may write (analysts never do) and may see every record the new values point to;
- owners can only be people the actor may give records to;
- model validation (`full_clean`) runs, so errors are reported per field everywhere;
- history names the actor; optimistic locking refuses writes based on a stale version.
"""

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Conflict, Forbidden, NotFound
from valuecrm.org.scope import can_create, can_own


def ensure_can_write(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise Forbidden(_("Sign in to change records."), code="not_authenticated")
    if actor.is_read_only:
        raise Forbidden(_("Your role can read records but not change them."), code="read_only")


def _check_references(actor, obj: models.Model, fields: Iterable[str]) -> None:
    """Every scoped record that `obj` points to must be visible to the actor."""
    errors = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if not field.is_relation or not field.many_to_one:
            continue
        target = field.related_model
        value = getattr(obj, field.attname)
        if value is None or not hasattr(target, "scope_owner"):
            continue
        if not target._default_manager.visible_to(actor).filter(pk=value).exists():
            errors[name] = [_("No such %(kind)s.") % {"kind": target._meta.verbose_name}]
    if errors:
        raise ValidationError(errors)


def _check_owner(actor, obj: models.Model) -> None:
    if not any(f.name == "owner" for f in obj._meta.fields):
        return
    if obj.owner_id is None and not actor.sees_everything:
        raise ValidationError({"owner": [_("Choose an owner.")]})
    if obj.owner_id is None:
        return
    # Read by id: a dangling id would raise DoesNotExist from the attribute.
    owner = obj._meta.get_field("owner").related_model._default_manager.filter(
        pk=obj.owner_id).first()
    if owner is None or not can_own(actor, owner):
        raise ValidationError({"owner": [_("You cannot give records to this person.")]})


def _save(actor, obj: models.Model, *, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save()


@transaction.atomic
def create_record(*, actor, model: type[models.Model], data: dict, tags=None) -> models.Model:
    """Create a record of `model` from field values (foreign keys as `<field>_id`)."""
    ensure_can_write(actor)
    if not can_create(actor, model):
        raise Forbidden(
            _("Only an administrator can add %(kind)s.")
            % {"kind": model._meta.verbose_name_plural},
            code="admin_only",
        )
    obj = model(**data)
    if "owner" in {f.name for f in model._meta.fields} and "owner_id" not in data:
        obj.owner = actor
    _check_references(actor, obj, [f.name for f in model._meta.fields])
    _check_owner(actor, obj)
    obj.full_clean()
    _save(actor, obj)
    if tags is not None:
        obj.tags.set(tags)
    return obj


def lock_for_write(actor, model: type[models.Model], pk) -> models.Model:
    """The row locked for update, if the actor may change it; NotFound/Forbidden if not."""
    ensure_can_write(actor)
    manager = model._default_manager
    try:
        return manager.editable_by(actor).select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            _("%(kind)s %(pk)s not found") % {"kind": model._meta.verbose_name, "pk": pk}
        ) from None


@transaction.atomic
def update_record(
    *, actor, model: type[models.Model], pk, changes: dict, expected_version: int | None = None,
    tags=None, reason: str = "",
) -> models.Model:
    obj = lock_for_write(actor, model, pk)
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(
            _("Someone else changed this record (now version %(now)s, you edited %(yours)s). "
              "Reload it and apply your change again.")
            % {"now": obj.version, "yours": expected_version},
            code="version_conflict",
        )
    for name, value in changes.items():
        setattr(obj, name, value)
    _check_references(actor, obj, [k.removesuffix("_id") for k in changes])
    if "owner_id" in changes or "owner" in changes:
        _check_owner(actor, obj)
    obj.full_clean()
    if hasattr(obj, "version"):
        obj.version += 1
    _save(actor, obj, reason=reason)
    if tags is not None:
        obj.tags.set(tags)
    return obj


def _cascade(obj: models.Model) -> list[models.Model]:
    """The record and the alive dependants that are deleted and restored with it."""
    found = [obj]
    for relation in getattr(obj, "soft_delete_cascade", ()):
        for child in getattr(obj, relation).filter(deleted_at__isnull=True):
            found.extend(_cascade(child))
    return found


@transaction.atomic
def delete_record(*, actor, model: type[models.Model], pk, reason: str = "") -> uuid.UUID:
    """Soft delete: the record and its dependants go to the recycle bin as one batch."""
    obj = lock_for_write(actor, model, pk)
    batch, now = uuid.uuid4(), timezone.now()
    for item in _cascade(obj):
        item.mark_deleted(actor=actor, batch=batch, when=now)
        _save(actor, item, reason=reason or _("deleted"))
    return batch


@transaction.atomic
def restore_record(*, actor, model: type[models.Model], pk) -> models.Model:
    """Bring back a deleted record with everything that was deleted with it."""
    ensure_can_write(actor)
    try:
        obj = model.all_objects.editable_by(actor).deleted().select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            _("No deleted %(kind)s %(pk)s") % {"kind": model._meta.verbose_name, "pk": pk}
        ) from None
    for field in model._meta.fields:
        parent = getattr(obj, field.name) if field.many_to_one else None
        if parent is not None and getattr(parent, "deleted_at", None) is not None:
            raise Conflict(
                _("Restore the %(kind)s “%(name)s” first.")
                % {"kind": field.related_model._meta.verbose_name, "name": parent},
                code="parent_deleted",
            )
    batch = obj.deletion_batch
    for related_model in _batch_models(model):
        for item in related_model.all_objects.filter(deletion_batch=batch):
            item.mark_restored()
            _save(actor, item, reason=_("restored"))
    obj.refresh_from_db()
    return obj


def _batch_models(model) -> list[type[models.Model]]:
    seen = [model]
    for relation in getattr(model, "soft_delete_cascade", ()):
        child = model._meta.get_field(relation).related_model
        for m in _batch_models(child):
            if m not in seen:
                seen.append(m)
    return seen
