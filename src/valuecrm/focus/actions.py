"""Creating, changing and deleting saved views; the checks every path shares."""

import pydantic
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from valuecrm.api.crud import RESOURCES, list_resource
from valuecrm.core.errors import Conflict, Forbidden, NotFound, ValidationError
from valuecrm.focus.models import ListColumns, SavedView
from valuecrm.org.models import OrgUnit
from valuecrm.org.scope import unit_ancestor_ids

FIELDS = ("name", "kind", "filters", "ordering", "columns", "shared_with_id")


def _check_list_query(kind: str, filters, ordering: str, columns) -> dict:
    """The filters as the list endpoint reads them; field errors otherwise."""
    resource = list_resource(kind)
    if resource is None:
        raise ValidationError({"kind": [_("No list called “%(kind)s”. Choose one of: %(all)s.")
                                        % {"kind": kind, "all": ", ".join(sorted(RESOURCES))}]})
    errors = {}
    schema = resource.filters
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Filters are an object of name: value.")]})
    unknown = sorted(set(filters) - set(schema.model_fields))
    if unknown:
        errors["filters"] = [_("Unknown filters: %(names)s. The %(kind)s list filters by: "
                               "%(known)s.") % {"names": ", ".join(unknown), "kind": kind,
                                                "known": ", ".join(schema.model_fields)}]
    else:
        try:
            filters = schema.model_validate(filters).model_dump(mode="json", exclude_unset=True)
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                name = ".".join(["filters", *(str(p) for p in error["loc"])])
                errors.setdefault(name, []).append(error["msg"])
    keys = [key.strip() for key in ordering.split(",") if key.strip()]
    if any(key.lstrip("-") not in resource.ordering for key in keys):
        errors["ordering"] = [_("Sort by one of: %(fields)s.")
                              % {"fields": ", ".join(resource.ordering)}]
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        errors["columns"] = [_("Columns are a list of field names.")]
    elif bad := [c for c in columns if c not in resource.out.model_fields]:
        errors["columns"] = [_("No such columns: %(names)s.") % {"names": ", ".join(bad)}]
    if errors:
        raise ValidationError(errors)
    return filters


def _check_sharing(actor, unit_id: int | None) -> None:
    """People share with their own unit or one above it; administrators with any unit."""
    if unit_id is None:
        return
    if not OrgUnit.objects.filter(pk=unit_id).exists():
        raise ValidationError({"shared_with": [_("No such org unit.")]})
    if actor.sees_everything and not actor.is_read_only:
        return
    if not actor.unit_id or unit_id not in unit_ancestor_ids(actor.unit):
        raise ValidationError({"shared_with": [
            _("You can share only with your own team or a unit above it.")]})


def _save(actor, view: SavedView) -> SavedView:
    if not view.name.strip():
        raise ValidationError({"name": [_("Give the view a name.")]})
    view.filters = _check_list_query(view.kind, view.filters, view.ordering, view.columns)
    _check_sharing(actor, view.shared_with_id)
    view.full_clean(exclude=["owner", "filters", "columns", "shared_with"],
                    validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise Conflict(_("You already have a %(kind)s view called “%(name)s”.")
                       % {"kind": view.kind, "name": view.name}, code="duplicate_name") from None
    return view


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise Forbidden(_("Sign in to save views."), code="not_authenticated")


@transaction.atomic
def create_saved_view(*, actor, data: dict) -> SavedView:
    """Anyone signed in, analysts included, saves views: they change no business record."""
    _signed_in(actor)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    return _save(actor, SavedView(owner=actor, **data))


def _own_view(actor, pk: int) -> SavedView:
    _signed_in(actor)
    view = SavedView.objects.editable_by(actor).select_for_update().filter(pk=pk).first()
    if view is not None:
        return view
    if SavedView.objects.visible_to(actor).filter(pk=pk).exists():
        raise Forbidden(_("Only the owner of a shared view changes it."), code="not_owner")
    raise NotFound(_("saved view %(pk)s not found") % {"pk": pk})


@transaction.atomic
def update_saved_view(*, actor, pk: int, changes: dict) -> SavedView:
    view = _own_view(actor, pk)
    for name, value in changes.items():
        if name not in FIELDS:
            raise ValidationError({name: [_("Unknown field.")]})
        setattr(view, name, value)
    return _save(actor, view)


@transaction.atomic
def delete_saved_view(*, actor, pk: int) -> None:
    _own_view(actor, pk).delete()


@transaction.atomic
def choose_list_columns(*, actor, kind: str, columns: list[str], allowed: list[str]) -> list[str]:
    """Remember which of a list's `allowed` columns `actor` sees (in the list's order).
    An empty choice forgets the preference: the list shows every column again."""
    _signed_in(actor)
    unknown = sorted(set(columns) - set(allowed))
    if unknown:
        raise ValidationError({"columns": [_("Unknown column: %(names)s.")
                                           % {"names": ", ".join(unknown)}]})
    chosen = [c for c in allowed if c in set(columns)]
    if not chosen:
        ListColumns.objects.filter(owner=actor, kind=kind).delete()
        return list(allowed)
    ListColumns.objects.update_or_create(owner=actor, kind=kind, defaults={"columns": chosen})
    return chosen
