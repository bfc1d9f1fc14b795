"""Which claims a list shows and in what order: the staff queue and the API's list share it.

A :class:`ClaimFilter` is parsed once at the edge (the page's or the API's query parameters)
and turned here into the conditions of one query.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, exists, false, or_, select
from sqlmodel import col

from matcher import clock
from matcher.bounds import INT32_MAX
from matcher.enterprises.tables import enterprises
from matcher.payouts.tables import (
    WINDOW_DECISIONS,
    Claim,
    ClaimStatus,
    Decision,
    overdue,
)

_CLAIM_NUMBER = re.compile(r"#?([0-9]{1,10})")


class ClaimSort(StrEnum):
    DUE = "due"
    """By due date, earliest first, those without one last."""
    FILED = "filed"
    """By claim date, earliest first: first come, first served."""


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Every field narrows the list; the default lists every claim by due date."""

    uscc: str | None = None
    """One enterprise's claims (an enterprise sees only its own)."""
    policy_id: str | None = None
    statuses: tuple[ClaimStatus, ...] | None = None
    overdue_on: date | None = None
    """Only the claims overdue on that day (:func:`matcher.payouts.tables.overdue`)."""
    filed_from: date | None = None
    filed_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None
    decided_from: date | None = None
    """With a decision (not a reversal) taken on or after that day in China."""
    decided_to: date | None = None
    search: str | None = None
    """Part of the enterprise's name or code, or the claim's number (``123``, or ``#123`` for
    the number alone); ``%`` and ``_`` are characters, not wildcards."""
    sort: ClaimSort = ClaimSort.DUE


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in China (as :func:`matcher.clock.end_of_day` counts)."""
    return clock.end_of_day(day - timedelta(days=1))


def conditions(chosen: ClaimFilter) -> list[ColumnElement[bool]]:
    """The conditions on ``claims`` that select what ``chosen`` asks for."""
    where: list[ColumnElement[bool]] = []
    if chosen.uscc is not None:
        where.append(col(Claim.uscc) == chosen.uscc)
    if chosen.policy_id is not None:
        where.append(col(Claim.policy_id) == chosen.policy_id)
    if chosen.statuses is not None:
        where.append(col(Claim.status).in_(chosen.statuses))
    if chosen.overdue_on is not None:
        where.append(overdue(chosen.overdue_on))
    if chosen.filed_from is not None:
        where.append(col(Claim.claim_date) >= chosen.filed_from)
    if chosen.filed_to is not None:
        where.append(col(Claim.claim_date) <= chosen.filed_to)
    if chosen.due_from is not None:
        where.append(col(Claim.due_date) >= chosen.due_from)
    if chosen.due_to is not None:
        where.append(col(Claim.due_date) <= chosen.due_to)
    if chosen.decided_from is not None or chosen.decided_to is not None:
        where.append(_decided_between(chosen.decided_from, chosen.decided_to))
    if chosen.search:
        where.append(_found(chosen.search))
    return where


def _decided_between(first: date | None, last: date | None) -> ColumnElement[bool]:
    decided = select(col(Decision.id)).where(
        col(Decision.claim_id) == col(Claim.id), col(Decision.kind).in_(WINDOW_DECISIONS)
    )
    if first is not None:
        decided = decided.where(col(Decision.decided_at) >= start_of_day(first))
    if last is not None:
        decided = decided.where(col(Decision.decided_at) < clock.end_of_day(last))
    return exists(decided)


def _found(text: str) -> ColumnElement[bool]:
    """The enterprise's name or code contains ``text`` literally, or ``text`` is the claim's
    number; ``#123`` is the number alone (digits alone are also part of many codes)."""
    number = _CLAIM_NUMBER.fullmatch(text)
    numbered = None
    if number is not None:
        value = int(number.group(1))
        numbered = col(Claim.id) == value if value <= INT32_MAX else false()
        if text.startswith("#"):
            return numbered
    named = select(enterprises.c.id).where(
        enterprises.c.id == col(Claim.enterprise_id),
        enterprises.c.name.contains(text, autoescape=True),
    )
    found = [col(Claim.uscc).contains(text.upper(), autoescape=True), exists(named)]
    return or_(*found, *([] if numbered is None else [numbered]))
