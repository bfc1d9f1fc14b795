"""A policy-window service called from a page: done whole, or undone with a reason for people.

The request's session commits when the route returns, so a refusal that is shown as a page
(rather than raised) must first roll back whatever the service began, such as taking the
ledger head.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session

from matcher.api.errors import status_of
from matcher.errors import DomainError
from matcher.profiles.errors import FieldError, ProfileError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why nothing was done: an HTTP status, a Chinese message, and the fields at fault."""

    status: int
    message: str
    fields: tuple[FieldError, ...] = ()


def attempt(session: Session, action: Callable[[], T]) -> T | Refusal:
    """``action()``; on an :class:`DomainError` or :class:`ProfileError`, nothing written."""
    try:
        return action()
    except DomainError as error:
        refusal = Refusal(status_of(error), error.message, tuple(error.details))
    except ProfileError as error:
        refusal = Refusal(422, "填写的信息有误，请按提示修改。", tuple(error.errors))
    session.rollback()
    return refusal
