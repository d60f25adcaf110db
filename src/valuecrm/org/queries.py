"""Reads that span models, always within the reader's data scope."""

from django.apps import apps

from valuecrm.core.errors import ValidationError
from valuecrm.org.models import User

DELETABLE = ("crm.Lead", "crm.Customer", "crm.Contact", "sales.Opportunity", "sales.Contract")


def visible_users(user):
    """People the user can see records of: themselves, their subtree, or everyone."""
    qs = User.objects.filter(is_active=True).select_related("unit").order_by("username")
    if user.sees_everything:
        return qs
    if user.manages_subtree and user.unit_id:
        return qs.filter(unit__path__startswith=user.unit.path)
    return qs.filter(pk=user.pk)


def recycle_bin(user, *, kind: str | None = None) -> list[dict]:
    """Deleted records the user may restore, newest first."""
    models = [apps.get_model(label) for label in DELETABLE]
    if kind is not None:
        models = [m for m in models if m._meta.model_name == kind]
        if not models:
            names = ", ".join(apps.get_model(label)._meta.model_name for label in DELETABLE)
            raise ValidationError({"kind": [f"Choose one of: {names}."]})
    rows = []
    for model in models:
        for obj in model.all_objects.editable_by(user).deleted().select_related("deleted_by"):
            rows.append({
                "kind": model._meta.model_name, "id": obj.pk, "label": str(obj),
                "deleted_at": obj.deleted_at,
                "deleted_by": str(obj.deleted_by) if obj.deleted_by else None,
            })
    rows.sort(key=lambda row: row["deleted_at"], reverse=True)
    return rows
