"""Every query on the notice outbox: enqueue, render, claim, record, list."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from matcher import clock
from matcher.db import UtcDateTime
from matcher.enterprises.tables import enterprises
from matcher.notices.contacts import address_column
from matcher.notices.context import NoticeFacts
from matcher.notices.render import Rendered
from matcher.notices.tables import (
    Channel,
    NoticeContact,
    NoticeKind,
    NoticeOptOut,
    NoticeStatus,
    OutboxNotice,
)

CANDIDATE_COLUMNS = (
    "run_id",
    "enterprise_id",
    "policy_id",
    "policy_version",
    "kind",
    "channel",
    "address",
    "amount",
    "apply_from",
    "idempotency_key",
)


@dataclass(frozen=True, slots=True)
class ClaimedNotice:
    """A rendered notice a worker holds under a lease until ``lease_expires_at``."""

    id: int
    attempts: int
    """The claim's fencing token: outcomes are recorded only while the row still has it."""
    channel: Channel
    address: str | None
    subject: str | None
    body_text: str
    body_html: str | None
    segments: int | None
    idempotency_key: str
    lease_expires_at: datetime


def candidates(changes: Select[Any]) -> Select[Any]:
    """One row per change and channel (:data:`CANDIDATE_COLUMNS`): an address on file for
    the channel, the channel not opted out of."""
    # nested in the SELECT, so that the INSERT statement starts with INSERT: Python's sqlite3
    # reports no rowcount for a statement that starts with WITH
    change = changes.cte("changes", nesting=True)
    parts = []
    for channel in Channel:
        address = address_column(channel)
        key = (
            cast(change.c.enterprise_id, String)
            + "."
            + change.c.policy_version
            + "."
            + change.c.kind
            + "."
            + channel.value
        )
        part = select(
            change.c.run_id,
            change.c.enterprise_id,
            change.c.policy_id,
            change.c.policy_version,
            change.c.kind,
            literal(channel.value, String).label("channel"),
            (null() if address is None else address).label("address"),
            change.c.amount,
            change.c.apply_from,
            key.label("idempotency_key"),
        ).select_from(change)
        if address is not None:
            part = part.join(
                NoticeContact, col(NoticeContact.enterprise_id) == change.c.enterprise_id
            ).where(address.is_not(None))
        opted_out = exists().where(
            col(NoticeOptOut.enterprise_id) == change.c.enterprise_id,
            col(NoticeOptOut.channel) == channel.value,
        )
        parts.append(part.where(~opted_out))
    return select(union_all(*parts).subquery("candidates"))


def not_queued(found: Select[Any]) -> Select[Any]:
    """The rows of ``found`` (candidates) that are not in the outbox yet.

    Enqueueing leaves this to ``ON CONFLICT DO NOTHING``: an anti-join planned while the
    outbox is still empty may scan it whole for every row the same statement inserts.
    """
    rows = found.subquery("found")
    queued = exists().where(
        col(OutboxNotice.enterprise_id) == rows.c.enterprise_id,
        col(OutboxNotice.policy_version) == rows.c.policy_version,
        col(OutboxNotice.kind) == rows.c.kind,
        col(OutboxNotice.channel) == rows.c.channel,
    )
    return select(rows).where(~queued)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, changes: Select[Any]) -> int:
        """Add an unrendered row per candidate of ``changes``; the number added.

        One ``INSERT … SELECT``; a row already there (from an earlier run, or from another
        run at the same time) is skipped by the unique key (``ON CONFLICT DO NOTHING``), so
        enqueueing twice never duplicates a notice.
        """
        found = candidates(changes).subquery("found")
        rows = select(
            *(found.c[name] for name in CANDIDATE_COLUMNS),
            literal(NoticeStatus.PENDING.value, String),
            literal(0, Integer),
            literal(clock.now(), UtcDateTime()),
        ).where(true())  # SQLite parses "SELECT … ON CONFLICT" only after a WHERE
        dialect = self.session.get_bind().dialect.name
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        statement = (
            insert(OutboxNotice)
            .from_select([*CANDIDATE_COLUMNS, "status", "attempts", "created_at"], rows)
            .on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True)  # an INSERT's rowcount is not kept
        )
        return self.session.connection().execute(statement).rowcount

    def count(self, statement: Select[Any]) -> int:
        counted = select(func.count()).select_from(statement.subquery())
        return int(self.session.execute(counted).scalar_one())

    def preview(self, changes: Select[Any]) -> Iterator[NoticeFacts]:
        """What enqueueing ``changes`` would add, as facts to render, streamed."""
        found = not_queued(candidates(changes)).subquery("new")
        statement = (
            select(
                found.c.channel,
                found.c.kind,
                enterprises.c.name,
                found.c.policy_version,
                found.c.amount,
                found.c.apply_from,
            )
            .join(enterprises, enterprises.c.id == found.c.enterprise_id)
            .execution_options(yield_per=2000)
        )
        for row in self.session.execute(statement):
            yield NoticeFacts(Channel(row[0]), NoticeKind(row[1]), *row[2:])

    @staticmethod
    def _unrendered(channel: Channel) -> Any:
        return and_(
            col(OutboxNotice.status) == NoticeStatus.PENDING,
            col(OutboxNotice.channel) == channel,
            col(OutboxNotice.next_attempt_at).is_(None),
        )

    def unrendered_count(self) -> int:
        return sum(
            self.count(select(col(OutboxNotice.id)).where(self._unrendered(channel)))
            for channel in Channel
        )

    def unrendered(
        self, channel: Channel, after_id: int, limit: int
    ) -> list[tuple[int, NoticeFacts]]:
        """The next ``limit`` notices of ``channel`` to render, in id order after ``after_id``."""
        statement = (
            select(
                col(OutboxNotice.id),
                col(OutboxNotice.kind),
                enterprises.c.name,
                col(OutboxNotice.policy_version),
                col(OutboxNotice.amount),
                col(OutboxNotice.apply_from),
            )
            .join(enterprises, enterprises.c.id == OutboxNotice.enterprise_id)
            .where(self._unrendered(channel), col(OutboxNotice.id) > after_id)
            .order_by(col(OutboxNotice.id))
            .limit(limit)
        )
        return [
            (row[0], NoticeFacts(channel, NoticeKind(row[1]), *row[2:]))
            for row in self.session.execute(statement)
        ]

    def save_rendered(self, rendered: Iterable[tuple[int, Rendered]]) -> None:
        """Store the texts, and make the notices due now."""
        moment = clock.now()
        values = [
            {
                "id": notice_id,
                "subject": r.subject,
                "body_text": r.text,
                "body_html": r.html,
                "segments": r.segments,
                "next_attempt_at": moment,
            }
            for notice_id, r in rendered
        ]
        if values:
            self.session.execute(update(OutboxNotice), values)

    def give_up(self, reasons: Iterable[tuple[int, str]]) -> None:
        """Mark notices failed before any attempt (they cannot be rendered)."""
        moment = clock.now()
        values = [
            {"id": i, "status": NoticeStatus.FAILED, "last_error": reason, "failed_at": moment}
            for i, reason in reasons
        ]
        if values:
            self.session.execute(update(OutboxNotice), values)

    @staticmethod
    def _due(channel: Channel, moment: datetime) -> tuple[Any, Any]:
        """Notices whose lease ran out (their worker died or stalled; there are only as many
        in flight as workers hold), and rendered notices whose time has come."""
        lapsed = and_(
            col(OutboxNotice.status) == NoticeStatus.SENDING,
            col(OutboxNotice.channel) == channel,
            col(OutboxNotice.lease_expires_at) <= moment,
        )
        ready = and_(
            col(OutboxNotice.status) == NoticeStatus.PENDING,
            col(OutboxNotice.channel) == channel,
            col(OutboxNotice.next_attempt_at) <= moment,
        )
        return lapsed, ready

    def due_count(self, channels: Iterable[Channel]) -> int:
        moment = clock.now()
        return sum(
            self.count(select(col(OutboxNotice.id)).where(due))
            for channel in channels
            for due in self._due(channel, moment)
        )

    def claim(self, channel: Channel, limit: int, lease: timedelta) -> list[ClaimedNotice]:
        """Take up to ``limit`` due notices of ``channel`` for one worker, under a lease.

        On PostgreSQL the rows are picked ``FOR UPDATE SKIP LOCKED``, so concurrent workers
        take different rows without waiting; SQLite runs each ``UPDATE … RETURNING`` under its
        database write lock (the locking clause is not rendered there).
        """
        moment = clock.now()
        lapsed, ready = self._due(channel, moment)
        claimed = self._take(lapsed, col(OutboxNotice.lease_expires_at), limit, moment + lease)
        if len(claimed) < limit:
            order = col(OutboxNotice.next_attempt_at)
            claimed += self._take(ready, order, limit - len(claimed), moment + lease)
        return claimed

    def _take(self, due: Any, order: Any, limit: int, expires: datetime) -> list[ClaimedNotice]:
        chosen = (
            select(col(OutboxNotice.id))
            .where(due)
            .order_by(order, col(OutboxNotice.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(OutboxNotice)
            .where(col(OutboxNotice.id).in_(chosen.scalar_subquery()))
            .values(
                status=NoticeStatus.SENDING,
                attempts=col(OutboxNotice.attempts) + 1,
                lease_expires_at=expires,
            )
            .returning(
                col(OutboxNotice.id),
                col(OutboxNotice.attempts),
                col(OutboxNotice.channel),
                col(OutboxNotice.address),
                col(OutboxNotice.subject),
                col(OutboxNotice.body_text),
                col(OutboxNotice.body_html),
                col(OutboxNotice.segments),
                col(OutboxNotice.idempotency_key),
            )
        )
        claimed = [
            ClaimedNotice(
                row.id,
                row.attempts,
                Channel(row.channel),
                row.address,
                row.subject,
                row.body_text,
                row.body_html,
                row.segments,
                row.idempotency_key,
                expires,
            )
            for row in self.session.connection().execute(statement)
        ]
        return sorted(claimed, key=lambda notice: notice.id)

    def _settle(self, notice: ClaimedNotice, **values: Any) -> bool:
        """Record an outcome, if ``notice``'s lease is still the row's current one."""
        statement = (
            update(OutboxNotice)
            .where(
                col(OutboxNotice.id) == notice.id,
                col(OutboxNotice.status) == NoticeStatus.SENDING,
                col(OutboxNotice.attempts) == notice.attempts,
            )
            .values(lease_expires_at=None, **values)
        )
        return self.session.connection().execute(statement).rowcount == 1

    def mark_sent(self, notice: ClaimedNotice) -> bool:
        return self._settle(notice, status=NoticeStatus.SENT, sent_at=clock.now(), last_error=None)

    def retry_later(self, notice: ClaimedNotice, at: datetime, error: str) -> bool:
        return self._settle(
            notice, status=NoticeStatus.PENDING, next_attempt_at=at, last_error=error
        )

    def mark_failed(self, notice: ClaimedNotice, error: str) -> bool:
        return self._settle(
            notice, status=NoticeStatus.FAILED, failed_at=clock.now(), last_error=error
        )

    def failed(self, limit: int, offset: int = 0) -> list[tuple[OutboxNotice, str, str]]:
        """Failed notices, latest failure first, each with the enterprise's code and name."""
        statement = (
            select(OutboxNotice, enterprises.c.uscc, enterprises.c.name)
            .join(enterprises, enterprises.c.id == OutboxNotice.enterprise_id)
            .where(col(OutboxNotice.status) == NoticeStatus.FAILED)
            .order_by(col(OutboxNotice.failed_at).desc(), col(OutboxNotice.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return [(row[0], row[1], row[2]) for row in self.session.execute(statement)]

    def in_app(self, enterprise_id: int, limit: int) -> Sequence[OutboxNotice]:
        """The enterprise's in-app messages, newest first."""
        statement = (
            select(OutboxNotice)
            .where(
                col(OutboxNotice.enterprise_id) == enterprise_id,
                col(OutboxNotice.channel) == Channel.IN_APP,
                col(OutboxNotice.status) == NoticeStatus.SENT,
            )
            .order_by(col(OutboxNotice.created_at).desc(), col(OutboxNotice.id).desc())
            .limit(limit)
        )
        return self.session.execute(statement).scalars().all()

    def status_counts(self) -> dict[NoticeStatus, int]:
        statement = select(col(OutboxNotice.status), func.count()).group_by(
            col(OutboxNotice.status)
        )
        return {NoticeStatus(s): int(n) for s, n in self.session.execute(statement)}
