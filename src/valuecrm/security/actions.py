"""Hard delete: administrators only, from the recycle bin, always recorded."""

import json
import uuid

from django.core import serializers
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from valuecrm.core.errors import Conflict, Forbidden, NotFound, ValidationError
from valuecrm.core.records import _batch_models
from valuecrm.security.models import PurgedRecord


@transaction.atomic
def purge_record(*, actor, model: type[models.Model], pk, reason: str) -> list[PurgedRecord]:
    """Erase a soft-deleted record and everything deleted with it; a PurgedRecord keeps each
    one's values, the administrator and the reason, and their history stays."""
    if actor is None or not actor.is_active or not actor.sees_everything or actor.is_read_only:
        raise Forbidden(_("Only an administrator can delete records permanently."),
                        code="admin_only")
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the record is deleted permanently.")]})
    try:
        record = model.all_objects.deleted().select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No %(kind)s %(pk)s in the recycle bin.")
                       % {"kind": model._meta.verbose_name, "pk": pk}) from None
    batch, audit = uuid.uuid4(), []
    # Dependants first, so protected references inside the batch never block it.
    for related_model in reversed(_batch_models(model)):
        for item in related_model.all_objects.filter(deletion_batch=record.deletion_batch):
            snapshot = json.loads(serializers.serialize("json", [item]))[0]["fields"]
            audit.append(PurgedRecord.objects.create(
                model=related_model._meta.label, object_id=item.pk, label=str(item)[:300],
                snapshot=snapshot, actor=actor, actor_name=actor.get_username(),
                reason=reason, batch=batch,
            ))
            item._history_user, item._change_reason = actor, reason
            try:
                item.delete()
            except ProtectedError as exc:
                raise Conflict(_("“%(name)s” is still referenced by %(count)s other records.")
                               % {"name": item, "count": len(exc.protected_objects)},
                               code="still_referenced") from None
    return audit
