"""The notices of a published 免申即享 list: each enterprise on it is told the amount and the
公示's days, and asked to confirm the account it is to be paid to — nothing else is asked of
it. Enqueued in the transaction that publishes the list (:mod:`matcher.no_application`, which
sits above notices), and keyed by the list, so a list is told once."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from matcher.notices.context import ListedNoticeContext
from matcher.notices.events import WindowEvent, enqueue_event
from matcher.notices.settings import notice_settings
from matcher.notices.tables import ListNoticeKind, NoticeTopic

LIST_PAGE = "/no-application"
"""The enterprise's 免申即享 page, under its own site (``/me``)."""


@dataclass(frozen=True, slots=True)
class PublishedList:
    list_id: int
    policy_id: str
    policy_version: str
    policy_title: str
    notice_from: date
    notice_until: date


@dataclass(frozen=True, slots=True)
class Listed:
    """An enterprise the list pays."""

    enterprise_id: int
    enterprise_name: str
    amount: Decimal


def list_published(session: Session, published: PublishedList, listed: Iterable[Listed]) -> int:
    """Tell each of ``listed`` it is on the list; how many notices were added."""
    page_url = notice_settings().page_url + LIST_PAGE
    added = 0
    for entry in listed:
        context = ListedNoticeContext(
            kind=ListNoticeKind.LISTED,
            enterprise_name=entry.enterprise_name,
            policy_title=published.policy_title,
            amount=entry.amount,
            notice_from=published.notice_from,
            notice_until=published.notice_until,
            page_url=page_url,
        )
        event = WindowEvent(
            enterprise_id=entry.enterprise_id,
            policy_id=published.policy_id,
            policy_version=published.policy_version,
            event_key=f"l{published.list_id}",
            context=context,
            topic=NoticeTopic.CLAIMS,
            amount=entry.amount,
        )
        added += enqueue_event(session, event)
    return added
