"""API authentication: per-user bearer tokens, or the page session (with CSRF)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from valuecrm.core.errors import Forbidden
from valuecrm.org.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Recording every use would turn each read into a write; a minute's precision is enough
# to see which tokens are alive.
LAST_USED_PRECISION = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            record = (
                ApiToken.objects.usable()
                .select_related("user", "user__unit")
                .get(key_hash=ApiToken.hash_key(token))
            )
        except ApiToken.DoesNotExist:
            return None
        user = record.user
        if not user.is_active:
            return None
        if not record.can_write and request.method not in SAFE_METHODS:
            raise Forbidden(_("This API token can only read."), code="token_read_only")
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = user
        return user


AUTH = [BearerToken(), django_auth]
