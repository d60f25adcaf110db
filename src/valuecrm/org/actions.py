"""Actions on people and tokens."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Forbidden, NotFound, ValidationError
from valuecrm.org.models import ApiToken, Role, User


@transaction.atomic
def create_api_token(
    *, actor, user: User, name: str = "", expires_at: datetime | None = None,
    scope: str = ApiToken.Scope.WRITE,
) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns the record and the token, which is not stored."""
    if actor is not None and actor.pk != user.pk and not actor.sees_everything:
        raise Forbidden(_("You can only create tokens for yourself."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("The expiry is in the past.")]})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": [_("Use read or write.")]})
    key = ApiToken.generate_key()
    record = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), hint=key[:9],
        expires_at=expires_at, scope=scope,
    )
    return record, key


@transaction.atomic
def revoke_api_token(*, actor, token_id: int) -> ApiToken:
    admin = actor.sees_everything and not actor.is_read_only
    tokens = ApiToken.objects.all() if admin else ApiToken.objects.filter(user=actor)
    try:
        record = tokens.select_for_update().get(pk=token_id, revoked_at__isnull=True)
    except ApiToken.DoesNotExist:
        raise NotFound(_("No such active token.")) from None
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    return record


SYSTEM_USERNAME = "valuecrm-system"


def system_user() -> User:
    """The account jobs and rules act as (sweeps, rule assignment, web-to-lead): it sees
    everything, cannot sign in, and is named in history so automated changes are told
    apart from people's."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.ADMIN, "display_name": "ValueCRM", "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
