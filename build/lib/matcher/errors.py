"""Errors the domain raises when a business rule refuses a request.

They know nothing of HTTP: ``code`` is for programs, ``message`` (Chinese) for people, and
the HTTP and web layers decide how each kind is answered.
"""

from matcher.profiles.errors import FieldError


class DomainError(Exception):
    """A request the rules refuse as it stands (a policy not in force, an amount over the cap)."""

    def __init__(self, code: str, message: str, details: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or []


class NotFound(DomainError):
    """The record does not exist, or the caller may not know that it does."""

    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what}不存在")


class Conflict(DomainError):
    """The record's current state forbids the change (already decided, already exists)."""
