"""What the staff pages show of notices: the failed ones. (An enterprise's in-app messages
are :mod:`matcher.notices.inbox`.)"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from matcher import clock
from matcher.notices.outbox import OutboxRepository
from matcher.notices.tables import CHANNEL_LABELS, KIND_LABELS, Channel, OutboxNotice


@dataclass(frozen=True, slots=True)
class FailedNotice:
    """A notice that will not be delivered, in words staff read."""

    id: int
    uscc: str
    enterprise_name: str
    policy_id: str
    kind: str
    channel: str
    address: str | None
    attempts: int
    reason: str | None
    failed_at: datetime | None


def _failed(notice: OutboxNotice, uscc: str, name: str) -> FailedNotice:
    assert notice.id is not None
    return FailedNotice(
        id=notice.id,
        uscc=uscc,
        enterprise_name=name,
        policy_id=notice.policy_id,
        kind=KIND_LABELS[notice.kind],
        channel=CHANNEL_LABELS[Channel(notice.channel)],
        address=notice.address,
        attempts=notice.attempts,
        reason=notice.last_error,
        failed_at=None if notice.failed_at is None else clock.as_utc(notice.failed_at),
    )


def failed_notices(session: Session, limit: int = 100, offset: int = 0) -> list[FailedNotice]:
    """Failed notices, latest first, with the reason."""
    rows = OutboxRepository(session).failed(limit, offset)
    return [_failed(notice, uscc, name) for notice, uscc, name in rows]
