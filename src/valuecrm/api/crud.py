"""One definition of the CRUD endpoints every record type shares.

A `Resource` names the model, its schemas and filters, and the actions that write it;
`register` adds list, detail, create, update, delete, restore and history endpoints to a
router. Handlers only translate between HTTP and the actions/query functions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext as _
from ninja import FilterSchema, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from valuecrm.api.pagination import LimitOffset
from valuecrm.core import records
from valuecrm.core.errors import ValidationError
from valuecrm.core.history import record_history


@dataclass
class Resource:
    path: str
    model: type[models.Model]
    out: type[Schema]
    create_in: type[Schema]
    update_in: type[Schema]
    filters: type[FilterSchema]
    ordering: tuple[str, ...] = ("created_at", "id")
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # create(actor, data, extra) and update(actor, pk, changes, extra, version); `extra`
    # carries payload keys that are not model fields (tags, lines).
    create: Callable | None = None
    update: Callable | None = None
    extra_fields: tuple[str, ...] = field(default_factory=tuple)
    # Name of a QuerySet method that adds derived columns the output schema reads.
    annotate: str | None = None

    @property
    def deletable(self) -> bool:
        return hasattr(self.model, "deleted_at")

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


# Every list endpoint by path ("leads"): saved views are checked against its filters,
# ordering and columns.
RESOURCES: dict[str, Resource] = {}


def list_resource(path: str) -> Resource | None:
    """The list endpoint at `path`, whoever asks (page, CLI, job)."""
    import valuecrm.api.main  # noqa: F401 - building the API registers every resource

    return RESOURCES.get(path)


def to_model_values(model, payload: dict, *, extra: tuple[str, ...]) -> tuple[dict, dict]:
    """Split a payload into model field values (foreign keys as `<name>_id`) and extras."""
    values, extras = {}, {}
    for name, value in payload.items():
        if name in extra:
            extras[name] = value
            continue
        model_field = model._meta.get_field(name)
        if model_field.many_to_one:
            values[model_field.attname] = value
        elif value is None and not model_field.null:
            # Optional text sent as null means "empty", which is how Django stores it.
            values[name] = model_field.get_default()
        else:
            values[name] = value
    return values, extras


def _default_create(resource: Resource):
    def create(actor, data, extras):
        return records.create_record(actor=actor, model=resource.model, data=data, **extras)

    return create


def _default_update(resource: Resource):
    def update(actor, pk, changes, extras, version):
        return records.update_record(
            actor=actor, model=resource.model, pk=pk, changes=changes,
            expected_version=version, **extras,
        )

    return update


def apply_ordering(qs, ordering: str | None, allowed: tuple[str, ...]):
    if not ordering:
        return qs
    keys = [key.strip() for key in ordering.split(",") if key.strip()]
    for key in keys:
        if key.lstrip("-") not in allowed:
            raise ValidationError(
                {"ordering": [_("Sort by one of: %(fields)s.") % {"fields": ", ".join(allowed)}]}
            )
    return qs.order_by(*keys, "-pk")


class WriteSchema(Schema):
    """Base of request bodies: references are sent under the field name (`"customer": 3`,
    as responses show them) and unknown fields are refused rather than silently dropped.
    Mixed into ModelSchemas: `class LeadIn(WriteSchema, ModelSchema)`."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        # ninja aliases foreign keys to their column (`customer_id`); requests use the
        # field name, so the aliases are dropped and the schema rebuilt.
        super().__pydantic_init_subclass__(**kwargs)
        aliased = [f for f in cls.model_fields.values() if f.alias]
        for model_field in aliased:
            model_field.alias = model_field.validation_alias = None
            model_field.serialization_alias = None
        if aliased:
            cls.model_rebuild(force=True)


def write_schemas(model: type[models.Model], fields: list[str], *, name: str = "",
                  optional: tuple[str, ...] = (), extra: dict | None = None,
                  ) -> tuple[type[Schema], type[Schema]]:
    """The create and update bodies of `model` over `fields`, named `<name>In` and
    `<name>Patch` (name: the model's). The update body makes every field optional and, for a
    versioned model, takes the `version` the client last read (a stale one is refused).
    `optional`: fields the create body may leave out; `extra`: body keys that are not model
    fields, name -> (type, default) on create, optional on update (tags, lines)."""
    name = name or model.__name__

    def body(suffix: str, meta: dict, keys: dict) -> type[Schema]:
        # Meta's qualified name nests it in the schema, as a class statement would: pydantic
        # then takes it for configuration, not for a field.
        qualname = f"{name}{suffix}"
        namespace = {"__module__": __name__, "__qualname__": qualname, "__annotations__": {},
                     "Meta": type("Meta", (), {"model": model, "fields": fields, **meta,
                                               "__qualname__": f"{qualname}.Meta"})}
        for key, (annotation, default) in keys.items():
            namespace["__annotations__"][key] = annotation
            namespace[key] = default
        return type(qualname, (WriteSchema, ModelSchema), namespace)

    extra = extra or {}
    create = body("In", {"fields_optional": list(optional)} if optional else {}, extra)
    changes = {key: (annotation | None, None) for key, (annotation, _d) in extra.items()}
    if any(f.name == "version" for f in model._meta.concrete_fields):
        changes["version"] = (int | None, None)
    return create, body("Patch", {"fields_optional": "__all__"}, changes)


class FieldChange(Schema):
    field: str
    old: str | None
    new: str | None


class HistoryEntry(Schema):
    at: datetime
    actor: str | None
    actor_id: int | None
    action: str
    reason: str | None
    changes: list[FieldChange]


def register(router: Router, resource: Resource) -> None:  # noqa: C901 - one closure per route
    model, path = resource.model, resource.path
    RESOURCES[path] = resource
    op = path.replace("-", "_")
    create = resource.create or _default_create(resource)
    update = resource.update or _default_update(resource)

    def scoped(request):
        qs = model._default_manager.visible_to(request.auth)
        if resource.select_related:
            qs = qs.select_related(*resource.select_related)
        if resource.prefetch_related:
            qs = qs.prefetch_related(*resource.prefetch_related)
        if resource.annotate:
            qs = getattr(qs, resource.annotate)()
        return qs

    @router.get(f"/{path}", response=list[resource.out], operation_id=f"list_{op}",
                summary=f"List {model._meta.verbose_name_plural}")
    @paginate(LimitOffset)
    def list_records(request, filters: Query[resource.filters], ordering: str | None = None):
        qs = filters.filter(scoped(request))
        return apply_ordering(qs, ordering, resource.ordering)

    @router.get(f"/{path}/{{int:pk}}", response=resource.out, operation_id=f"get_{op}",
                summary=f"Get a {resource.label}")
    def get_record(request, pk: int):
        return scoped(request).get_visible(request.auth, pk)

    @router.post(f"/{path}", response={201: resource.out}, operation_id=f"create_{op}",
                 summary=f"Create a {resource.label}")
    def create_record(request, payload: resource.create_in):
        data, extras = to_model_values(
            model, payload.dict(exclude_unset=True), extra=resource.extra_fields
        )
        obj = create(request.auth, data, extras)
        return Status(201, scoped(request).get_visible(request.auth, obj.pk))

    @router.patch(f"/{path}/{{int:pk}}", response=resource.out, operation_id=f"update_{op}",
                  summary=f"Update a {resource.label}")
    def update_record(request, pk: int, payload: resource.update_in):
        raw = payload.dict(exclude_unset=True)
        version = raw.pop("version", None)
        changes, extras = to_model_values(model, raw, extra=resource.extra_fields)
        update(request.auth, pk, changes, extras, version)
        return scoped(request).get_visible(request.auth, pk)

    @router.get(f"/{path}/{{int:pk}}/history", response=list[HistoryEntry],
                operation_id=f"history_{op}", summary=f"History of a {resource.label}")
    def get_history(request, pk: int):
        manager = getattr(model, "all_objects", model._default_manager)
        return record_history(manager.get_visible(request.auth, pk))

    if resource.deletable:

        @router.delete(f"/{path}/{{int:pk}}", response={204: None}, operation_id=f"delete_{op}",
                       summary=f"Move a {resource.label} to the recycle bin")
        def delete_record(request, pk: int):
            records.delete_record(actor=request.auth, model=model, pk=pk)
            return Status(204, None)

        @router.post(f"/{path}/{{int:pk}}/restore", response=resource.out,
                     operation_id=f"restore_{op}",
                     summary=f"Restore a {resource.label} from the recycle bin")
        def restore_record(request, pk: int):
            records.restore_record(actor=request.auth, model=model, pk=pk)
            return scoped(request).get_visible(request.auth, pk)
