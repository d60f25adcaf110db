"""Domain exceptions. The API maps them to HTTP in one place (valuecrm.api.errors)."""

from django.core.exceptions import ValidationError

__all__ = ["DomainError", "NotFound", "Forbidden", "Conflict", "ValidationError"]


class DomainError(Exception):
    """A rule of the business refused the request; the message is shown to the user."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(DomainError):
    """The record does not exist, or the caller may not know that it exists."""

    status = 404


class Forbidden(DomainError):
    """The caller can see the record but their role may not do this to it."""

    status = 403


class Conflict(DomainError):
    """The record changed since the caller read it, or the state forbids the change."""

    status = 409
