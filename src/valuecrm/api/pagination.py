"""Limit/offset pagination with an offset the databases can hold.

Ninja's own class accepts any offset, and one past 2**63 reaches the database as an integer
it cannot store (SQLite answers "datatype mismatch", a server error); no list is that long.
"""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 2**31 - 1


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1,
                           le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
