"""Domain exceptions and validation errors mapped to HTTP, once, for the whole API.

Every error body has `detail` (a sentence) and `code`; validation errors add `errors`,
a mapping from field name to a list of messages, whether the error came from the request
schema or from model validation.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError

from valuecrm.core.errors import DomainError


class ErrorOut(Schema):
    """The body of every error answer, for operations that document one."""

    detail: str
    code: str
    errors: dict[str, list[str]] | None = None


_SCHEMA_LOCATIONS = {"body", "query", "path", "payload", "filters", "form"}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if str(p) not in _SCHEMA_LOCATIONS]
    return ".".join(parts) or "__all__"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(
            request, {"detail": exc.message, "code": exc.code}, status=exc.status
        )

    @api.exception_handler(DjangoValidationError)
    def model_validation_error(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for e in items for m in e.messages]
                for field, items in exc.error_dict.items()
            }
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        body = {"detail": "Invalid input.", "code": "invalid", "errors": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(SchemaValidationError)
    def schema_validation_error(request, exc: SchemaValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", ""))
        body = {"detail": "Invalid input.", "code": "invalid", "errors": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def unstorable_value(request, exc):
        # Values no database column can hold (integers past 2**63 on SQLite, NUL characters
        # in PostgreSQL text) match nothing a person could mean: bad input, not a crash.
        body = {"detail": "A value is too large or contains characters that cannot be "
                          "stored (such as NUL).", "code": "invalid"}
        return api.create_response(request, body, status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        body = {"detail": "Not found.", "code": "not_found"}
        return api.create_response(request, body, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        body = {"detail": "Authentication required.", "code": "not_authenticated"}
        return api.create_response(request, body, status=401)
