"""Limit/offset pagination with an offset the databases can hold, and keyset pages.

Ninja's own class accepts any offset, and one past 2**63 reaches the database as an integer
it cannot store (SQLite answers "datatype mismatch", a server error); no list is that long.

An offset makes the database walk past every earlier row, so page 20,000 of a million
leads costs as much as reading them all. Each page therefore also answers `next`: the
sort values of its last row, encoded; asking with `after=<next>` starts right after that
row through the sort's index (keyset pagination), as fast on the last page as on the first.
`next` is null on the last page, and when a sort value of the last row is empty (NULL),
where offsets still work.
"""

import json
from datetime import date, time
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from valuecrm.core.errors import ValidationError

MAX_OFFSET = 2**31 - 1
CURSOR_SALT = "valuecrm.api.pagination.cursor"


def sort_keys(queryset) -> list[str]:
    """The queryset's sort keys ("-created_at"), ending with the primary key; empty when
    it is not sorted by plain fields of its model (expressions, annotations, relations),
    where only offsets apply."""
    keys = list(queryset.query.order_by or queryset.model._meta.ordering)
    if not all(isinstance(k, str) for k in keys):
        return []
    keys = ["-pk" if k == "-id" else "pk" if k == "id" else k for k in keys]
    if not any(k.lstrip("-") == "pk" for k in keys):
        keys.append("pk")
    for key in keys:
        if key.lstrip("-") != "pk":
            try:
                queryset.model._meta.get_field(key.lstrip("-"))
            except FieldDoesNotExist:
                return []
    return keys


def _value(obj, key: str):
    return obj.pk if key.lstrip("-") == "pk" else getattr(obj, key.lstrip("-"))


class _Encoder(json.JSONEncoder):
    # Full microseconds: Django's encoder cuts datetimes to milliseconds, and a cursor
    # must name its row exactly.
    def default(self, o):
        return o.isoformat() if isinstance(o, date | time) else str(o)


def encode_cursor(obj, keys: list[str]) -> str | None:
    if not keys:
        return None
    values = [_value(obj, k) for k in keys]
    if any(v is None for v in values):
        return None
    # Signed: only cursors this server wrote reach the database (a forged one could carry
    # values the column cannot hold, a database error mid-transaction).
    return signing.dumps(json.loads(json.dumps(values, cls=_Encoder)), salt=CURSOR_SALT)


def after_filter(queryset, cursor: str) -> Q:
    """Rows after the cursor's row in the queryset's order: for keys k1..kn, those
    greater (or smaller, descending) in k1, or equal in k1 and after it in k2, and so on;
    plus a plain bound on k1 so the database starts its index scan there."""
    keys = sort_keys(queryset)
    try:
        raw = signing.loads(cursor, salt=CURSOR_SALT)
        if not keys or not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError
        model = queryset.model
        values = [model._meta.pk.to_python(v) if k.lstrip("-") == "pk" else
                  model._meta.get_field(k.lstrip("-")).to_python(v)
                  for k, v in zip(keys, raw, strict=True)]
    except (ValueError, TypeError, DjangoValidationError, FieldDoesNotExist,
            signing.BadSignature) as error:
        raise ValidationError({"after": [_("This is not a `next` value of this list.")]}) \
            from error
    condition, equal = Q(), Q()
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        op = "lt" if key.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{op}": value})
        equal &= Q(**{name: value})
    first = keys[0].lstrip("-")
    bound = Q(**{f"{first}__{'lte' if keys[0].startswith('-') else 'gte'}": values[0]})
    return bound & condition


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1,
                           le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
        after: str | None = Field(None, max_length=2000,
                                  description="`next` of the previous page: the page after it")

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = None

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit = min(pagination.limit, self.max_limit)
        count = self._items_count(queryset)
        if not isinstance(queryset, QuerySet):  # a list built in Python (the recycle bin)
            if pagination.after:
                raise ValidationError({"after": [_("This list pages by offset only.")]})
            return {"items": queryset[pagination.offset:pagination.offset + limit],
                    "count": count, "next": None}
        if pagination.after:
            page = list(queryset.filter(after_filter(queryset, pagination.after))[:limit])
        else:
            page = list(queryset[pagination.offset:pagination.offset + limit])
        more = len(page) == limit and (pagination.after or pagination.offset + limit < count)
        return {"items": page, "count": count,
                "next": encode_cursor(page[-1], sort_keys(queryset)) if more else None}
