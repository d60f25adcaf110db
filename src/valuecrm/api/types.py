"""Input types shared by the API's schemas."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def _as_utc(value: datetime) -> datetime:
    # ISO 8601 allows offsets PostgreSQL refuses (e.g. -18:49); the database would raise
    # mid-transaction. The same instant in UTC is always storable and compares the same.
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("The date and time is out of range.") from None


# An aware or naive date and time from a request (naive: the site's time zone, as Django
# reads it).
Instant = Annotated[datetime, AfterValidator(_as_utc)]
