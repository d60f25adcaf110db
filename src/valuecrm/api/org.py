"""API for the caller's own account, their tokens, the people they can see, the recycle bin."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import ModelSchema, Router, Schema, Status
from ninja.pagination import paginate

from valuecrm.api.pagination import LimitOffset
from valuecrm.api.types import Instant
from valuecrm.core.errors import ValidationError
from valuecrm.org import actions
from valuecrm.org.models import ApiToken, User
from valuecrm.org.queries import recycle_bin, visible_users

router = Router(tags=["org"])


class UserOut(ModelSchema):
    name: str

    class Meta:
        model = User
        fields = ["id", "username", "role", "unit", "email"]

    @staticmethod
    def resolve_name(obj):
        return str(obj)


@router.get("/me", response=UserOut, operation_id="get_me", summary="The signed-in user")
def me(request):
    return request.auth


@router.get("/users", response=list[UserOut], operation_id="list_users",
            summary="People whose records the caller can see")
def users(request):
    return visible_users(request.auth)


class TokenOut(ModelSchema):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "scope", "created_at", "expires_at", "last_used_at",
                  "revoked_at"]


class TokenIn(Schema):
    name: str = ""
    expires_at: Instant | None = None
    scope: ApiToken.Scope = ApiToken.Scope.WRITE


class NewTokenOut(TokenOut):
    token: str


@router.get("/tokens", response=list[TokenOut], operation_id="list_tokens",
            summary="The caller's API tokens")
def list_tokens(request):
    return request.auth.api_tokens.order_by("-created_at")


@router.post("/tokens", response={201: NewTokenOut}, operation_id="create_token",
             summary="Create an API token; the token is shown only in this answer")
def create_token(request, payload: TokenIn):
    if payload.expires_at is not None and payload.expires_at.tzinfo is None:
        raise ValidationError({"expires_at": [_("Give a time zone.")]})
    record, key = actions.create_api_token(
        actor=request.auth, user=request.auth, name=payload.name,
        expires_at=payload.expires_at, scope=payload.scope,
    )
    return Status(201, {**TokenOut.from_orm(record).dict(), "token": key})


@router.delete("/tokens/{int:pk}", response={204: None}, operation_id="revoke_token",
               summary="Revoke one of the caller's tokens")
def revoke_token(request, pk: int):
    actions.revoke_api_token(actor=request.auth, token_id=pk)
    return Status(204, None)


class DeletedRecordOut(Schema):
    kind: str
    id: int
    label: str
    deleted_at: datetime
    deleted_by: str | None


@router.get("/recycle-bin", response=list[DeletedRecordOut], operation_id="list_recycle_bin",
            summary="Deleted records the caller may restore, newest first")
@paginate(LimitOffset)
def list_recycle_bin(request, kind: str | None = None):
    return recycle_bin(request.auth, kind=kind)
