"""Every query on the notice outbox: enqueue, render, claim, record, list."""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    text,
    true,
    union_all,
    update,
    values,
)
from sqlalchemy import column as named_column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from matcher import clock
from matcher.db import UtcDateTime
from matcher.enterprises.tables import enterprises
from matcher.notices.bodies import BodyRepository
from matcher.notices.contacts import reachable
from matcher.notices.context import NoticeFacts, NoticeShape
from matcher.notices.render import Rendered
from matcher.notices.tables import (
    Channel,
    NoticeKind,
    NoticeStatus,
    NoticeTopic,
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
    "contact_id",
    "amount",
    "apply_from",
    "event_key",
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
    sms_template: dict[str, Any] | None
    idempotency_key: str
    lease_expires_at: datetime
    contact_id: int | None = None
    """The contact the address came from: its e-mail carries an unsubscribe link."""


def _claimed(row: Any, texts: Rendered, expires: datetime) -> ClaimedNotice:
    return ClaimedNotice(
        id=row.id,
        attempts=row.attempts,
        channel=Channel(row.channel),
        address=row.address,
        subject=texts.subject,
        body_text=texts.text,
        body_html=texts.html,
        segments=texts.segments,
        sms_template=texts.sms_template,
        idempotency_key=row.idempotency_key,
        lease_expires_at=expires,
        contact_id=row.contact_id,
    )


def idempotency_key(
    enterprise_id: int,
    policy_version: str,
    kind: str,
    channel: Channel,
    contact_id: int | None,
    event_key: str,
) -> str:
    """A notice's identity, as :func:`candidates` writes it in SQL:
    ``<enterprise>.<version>.<kind>.<channel>[.c<contact>][.<event key>]``."""
    parts = [str(enterprise_id), policy_version, kind, channel.value]
    parts += [f"c{contact_id}"] if contact_id is not None else []
    parts += [event_key] if event_key else []
    return ".".join(parts)


def event_suffix(event_key: Any) -> Any:
    """What an event key adds to an idempotency key: ``.<event key>``, nothing when empty
    (so the keys of notices without one read as they always have)."""
    return case((event_key == "", ""), else_="." + event_key)


def candidates(changes: Select[Any]) -> Select[Any]:
    """One row per change and recipient (:data:`CANDIDATE_COLUMNS`): the in-app message,
    and every confirmed contact, not opted out, that wants to hear of entitlements."""
    # nested in the SELECT, so that the INSERT statement starts with INSERT: Python's sqlite3
    # reports no rowcount for a statement that starts with WITH
    change = changes.cte("changes", nesting=True)
    recipient = reachable(NoticeTopic.ENTITLEMENTS).subquery("recipients")
    prefix = (
        cast(change.c.enterprise_id, String)
        + "."
        + change.c.policy_version
        + "."
        + change.c.kind
        + "."
    )
    in_app = select(
        *_change_columns(change),
        literal(Channel.IN_APP.value, String).label("channel"),
        null().label("address"),
        null().label("contact_id"),
        *_tail_columns(change),
        (prefix + Channel.IN_APP.value + event_suffix(change.c.event_key)).label("idempotency_key"),
    ).select_from(change)
    addressed = select(
        *_change_columns(change),
        recipient.c.channel,
        recipient.c.address,
        recipient.c.contact_id,
        *_tail_columns(change),
        (
            prefix
            + recipient.c.channel
            + contact_suffix(recipient.c.contact_id)
            + event_suffix(change.c.event_key)
        ).label("idempotency_key"),
    ).join(recipient, recipient.c.enterprise_id == change.c.enterprise_id)
    return select(union_all(in_app, addressed).subquery("candidates"))


def contact_suffix(contact_id: Any) -> Any:
    """What a contact adds to an idempotency key: ``.c<contact id>``, so that two addresses
    on one channel get a message each."""
    return ".c" + cast(contact_id, String)


def _change_columns(change: Any) -> tuple[Any, ...]:
    c = change.c
    return c.run_id, c.enterprise_id, c.policy_id, c.policy_version, c.kind


def _tail_columns(change: Any) -> tuple[Any, ...]:
    return change.c.amount, change.c.apply_from, change.c.event_key


def _shape_columns(table: Any) -> tuple[Any, ...]:
    """The columns of a notice's shape in ``table`` (see :class:`NoticeShape`)."""
    c = table.c
    return c.channel, c.kind, c.policy_version, c.amount, c.apply_from


def _shape_bodies(bodies: Mapping[NoticeShape, int], postgresql: bool) -> Any:
    """``bodies`` as a table (a ``VALUES`` list): each shape's columns and its body's id."""
    table = values(
        named_column("channel", String),
        named_column("kind", String),
        named_column("policy_version", String),
        named_column("amount", Numeric(18, 2)),
        named_column("apply_from", Date),
        named_column("body_id", Integer),
        name="shapes",
    ).data(
        [
            (s.channel.value, s.kind.value, s.policy_version, s.amount, s.apply_from, body_id)
            for s, body_id in bodies.items()
        ]
    )
    # a CTE inside a subquery: SQLite names no columns of a VALUES subquery, and a CTE at
    # the top would start the INSERT with WITH (Python's sqlite3 then reports no rowcount)
    listed = table.cte("shape_values", nesting=True)
    amount: Any = listed.c.amount
    apply_from: Any = listed.c.apply_from
    if postgresql:  # a VALUES column of NULLs and untyped parameters would be text
        amount, apply_from = cast(amount, Numeric(18, 2)), cast(apply_from, Date)
    return select(
        listed.c.channel,
        listed.c.kind,
        listed.c.policy_version,
        amount.label("amount"),
        apply_from.label("apply_from"),
        listed.c.body_id,
    ).subquery("shapes")


def not_queued(found: Select[Any]) -> Select[Any]:
    """The rows of ``found`` (candidates) that are not in the outbox yet.

    Enqueueing leaves this to ``ON CONFLICT DO NOTHING``: an anti-join planned while the
    outbox is still empty may scan it whole for every row the same statement inserts.
    """
    rows = found.subquery("found")
    queued = exists().where(col(OutboxNotice.idempotency_key) == rows.c.idempotency_key)
    return select(rows).where(~queued)


DUE_CHANNEL = "matcher_notices_due"
"""The PostgreSQL channel a ``NOTIFY`` goes to when notices come due (or come due at a new
time): delivery workers ``LISTEN`` on it instead of polling."""


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def announce(self) -> None:
        """Wake the listening workers when this transaction commits (PostgreSQL only; a
        transaction's identical notifications are delivered once)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(select(func.pg_notify(DUE_CHANNEL, "")))

    def _insert(self) -> Any:
        """An INSERT into the outbox in the session's dialect (for ``ON CONFLICT``)."""
        dialect = self.session.get_bind().dialect.name
        return (sqlite_insert if dialect == "sqlite" else pg_insert)(OutboxNotice)

    def shapes(self, changes: Select[Any], least: int, most: int) -> list[NoticeShape]:
        """The shapes of the notices ``changes`` make that at least ``least`` of them share:
        the ``most`` largest."""
        found = candidates(changes).subquery("found")
        key = _shape_columns(found)
        statement = (
            select(*key)
            .group_by(*key)
            .having(func.count() >= least)
            .order_by(func.count().desc(), *key)
            .limit(most)
        )
        return [
            NoticeShape(Channel(row[0]), NoticeKind(row[1]), *row[2:])
            for row in self.session.execute(statement)
        ]

    def enqueue(self, changes: Select[Any], bodies: Mapping[NoticeShape, int] = {}) -> int:
        """Add a row per candidate of ``changes``; the number added. A notice of a shape in
        ``bodies`` is written rendered and due (pointed at its shape's body), unless its
        enterprise's name has spaces at its ends (see :func:`~matcher.notices.stencils.fits`;
        names are stripped where they are entered); any other is written unrendered.

        One ``INSERT … SELECT``; a row already there (from an earlier run, or from another
        run at the same time) is skipped by the unique key (``ON CONFLICT DO NOTHING``), so
        enqueueing twice never duplicates a notice.
        """
        found = candidates(changes).subquery("found")
        moment = clock.now()
        columns: list[Any] = [
            *(found.c[name] for name in CANDIDATE_COLUMNS),
            literal(NoticeStatus.PENDING.value, String),
            literal(0, Integer),
            literal(moment, UtcDateTime()),
        ]
        names = [*CANDIDATE_COLUMNS, "status", "attempts", "created_at"]
        source: Any = found
        if bodies:
            dialect = self.session.get_bind().dialect.name
            shaped = _shape_bodies(bodies, postgresql=dialect == "postgresql")
            source = found.join(enterprises, enterprises.c.id == found.c.enterprise_id).outerjoin(
                shaped,
                and_(
                    *(
                        ours.is_not_distinct_from(theirs)
                        for ours, theirs in zip(
                            _shape_columns(found), _shape_columns(shaped), strict=True
                        )
                    ),
                    enterprises.c.name == func.trim(enterprises.c.name),
                ),
            )
            due = case((shaped.c.body_id.is_not(None), literal(moment, UtcDateTime())))
            columns += [shaped.c.body_id, due]
            names += ["body_id", "next_attempt_at"]
        rows = (
            select(*columns)
            .select_from(source)
            .where(true())  # SQLite parses "SELECT … ON CONFLICT" only after a WHERE
            # notices numbered, and so sent, enterprise by enterprise, whatever order the
            # changes were found in
            .order_by(found.c.enterprise_id, found.c.idempotency_key)
        )
        statement = (
            self._insert()
            .from_select(names, rows)
            .on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True)  # an INSERT's rowcount is not kept
        )
        added: int = self.session.connection().execute(statement).rowcount
        if bodies and added:
            self.announce()
        return added

    def add_rendered(self, rows: Sequence[dict[str, Any]]) -> int:
        """Add notices rendered already (column → value each); a row whose idempotency key
        is in the outbox is skipped. The number added."""
        if not rows:
            return 0
        statement = (
            self._insert()
            .values(list(rows))
            .on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True)
        )
        added: int = self.session.connection().execute(statement).rowcount
        if any(row["status"] == NoticeStatus.PENDING for row in rows):
            self.announce()
        return added

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
            .order_by(found.c.enterprise_id, found.c.idempotency_key)  # as enqueue numbers them
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
        """The next ``limit`` notices of ``channel`` to render, in id order after ``after_id``.

        The page is taken from the queue index in its order before the names are joined in:
        joined first, a planner that takes a freshly filled outbox for empty joins and sorts
        every row left to render for each page.
        """
        page = (
            select(
                col(OutboxNotice.id),
                col(OutboxNotice.kind),
                col(OutboxNotice.enterprise_id),
                col(OutboxNotice.policy_version),
                col(OutboxNotice.amount),
                col(OutboxNotice.apply_from),
            )
            .where(self._unrendered(channel), col(OutboxNotice.id) > after_id)
            .order_by(col(OutboxNotice.id))
            .limit(limit)
            .subquery("page")
        )
        statement = (
            select(
                page.c.id,
                page.c.kind,
                enterprises.c.name,
                page.c.policy_version,
                page.c.amount,
                page.c.apply_from,
            )
            .join(enterprises, enterprises.c.id == page.c.enterprise_id)
            .order_by(page.c.id)
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
                "sms_template": r.sms_template,
                "next_attempt_at": moment,
            }
            for notice_id, r in rendered
        ]
        if values:
            self.session.execute(update(OutboxNotice), values)
            self.announce()

    def point_at_bodies(self, shaped: Iterable[tuple[int, int]]) -> None:
        """Point each notice at the body of its shape (notice id, body id), and make the
        notices due now: one ``UPDATE … WHERE id IN`` for each body's notices, and the
        notices alone with their body in one row-by-row batch."""
        moment = clock.now()
        by_body: dict[int, list[int]] = defaultdict(list)
        for notice_id, body_id in shaped:
            by_body[body_id].append(notice_id)
        if not by_body:
            return
        single = []
        for body_id, notice_ids in by_body.items():
            if len(notice_ids) == 1:
                single.append({"id": notice_ids[0], "body_id": body_id, "next_attempt_at": moment})
                continue
            self.session.execute(
                update(OutboxNotice)
                .where(col(OutboxNotice.id).in_(notice_ids))
                .values(body_id=body_id, next_attempt_at=moment)
            )
        if single:
            self.session.execute(update(OutboxNotice), single)
        self.announce()

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

    def next_due(self, channels: Iterable[Channel]) -> datetime | None:
        """The earliest moment a notice of ``channels`` comes due or its lease runs out."""
        moments = []
        for channel in channels:
            for status, column in (
                (NoticeStatus.PENDING, col(OutboxNotice.next_attempt_at)),
                (NoticeStatus.SENDING, col(OutboxNotice.lease_expires_at)),
            ):
                earliest = select(func.min(column)).where(
                    col(OutboxNotice.status) == status, col(OutboxNotice.channel) == channel
                )
                moments.append(self.session.execute(earliest).scalar_one())
        found = [clock.as_utc(moment) for moment in moments if moment is not None]
        return min(found, default=None)

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
        # The rows are chosen once, in a materialized CTE: as an IN (subquery) PostgreSQL may
        # plan a semi-join that runs the locking subquery again for every row of the outbox
        # (it does on a freshly filled, not yet analysed table) and claims them all.
        chosen = (
            select(col(OutboxNotice.id))
            .where(due)
            .order_by(order, col(OutboxNotice.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("chosen")
            .prefix_with("MATERIALIZED")
        )
        statement = (
            update(OutboxNotice)
            .where(col(OutboxNotice.id).in_(select(chosen.c.id)))
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
                col(OutboxNotice.sms_template),
                col(OutboxNotice.idempotency_key),
                col(OutboxNotice.contact_id),
                col(OutboxNotice.body_id),
                col(OutboxNotice.enterprise_id),
            )
        )
        rows = self.session.connection().execute(statement).all()
        texts = BodyRepository(self.session).texts(rows)
        claimed = [_claimed(row, text, expires) for row, text in zip(rows, texts, strict=True)]
        return sorted(claimed, key=lambda notice: notice.id)

    def _settle(self, notice: ClaimedNotice, **values: Any) -> bool:
        """Record an outcome, if ``notice``'s lease is still the row's current one.

        On PostgreSQL the commit does not wait for the disk (``synchronous_commit`` off for
        this transaction): a database crash may forget the last few outcomes, and those
        notices go out again with the same idempotency key, as after a worker crash.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
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
        recorded = self._settle(
            notice, status=NoticeStatus.PENDING, next_attempt_at=at, last_error=error
        )
        if recorded:
            self.announce()
        return recorded

    def release(self, notices: Iterable[ClaimedNotice]) -> int:
        """Hand back claimed notices that were not attempted (a worker stopping): due again
        at once, their claim not counted as an attempt; how many were still held."""
        released = 0
        for notice in notices:
            released += self._settle(
                notice, status=NoticeStatus.PENDING, attempts=notice.attempts - 1
            )
        if released:
            self.announce()
        return released

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

    @staticmethod
    def _inbox(enterprise_id: int) -> Any:
        """The enterprise's in-app messages (delivered ones: a rendered row is the message)."""
        return and_(
            col(OutboxNotice.enterprise_id) == enterprise_id,
            col(OutboxNotice.channel) == Channel.IN_APP,
            col(OutboxNotice.status) == NoticeStatus.SENT,
        )

    def in_app(self, enterprise_id: int, limit: int, offset: int = 0) -> Sequence[OutboxNotice]:
        """The enterprise's in-app messages, newest first."""
        statement = (
            select(OutboxNotice)
            .where(self._inbox(enterprise_id))
            .order_by(col(OutboxNotice.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return self.session.execute(statement).scalars().all()

    def in_app_counts(self, enterprise_id: int) -> tuple[int, int]:
        """How many in-app messages the enterprise has, and how many of them are unread."""
        unread = func.count(col(OutboxNotice.id)).filter(col(OutboxNotice.read_at).is_(None))
        statement = select(func.count(col(OutboxNotice.id)), unread).where(
            self._inbox(enterprise_id)
        )
        total, unread_count = self.session.execute(statement).one()
        return int(total), int(unread_count)

    def in_app_message(self, enterprise_id: int, notice_id: int) -> OutboxNotice | None:
        statement = select(OutboxNotice).where(
            self._inbox(enterprise_id), col(OutboxNotice.id) == notice_id
        )
        return self.session.execute(statement).scalar_one_or_none()

    def mark_in_app_read(self, enterprise_id: int, moment: datetime) -> int:
        """Mark every unread in-app message of the enterprise read; how many were."""
        statement = (
            update(OutboxNotice)
            .where(self._inbox(enterprise_id), col(OutboxNotice.read_at).is_(None))
            .values(read_at=moment)
        )
        return self.session.connection().execute(statement).rowcount

    def status_counts(self) -> dict[NoticeStatus, int]:
        statement = select(col(OutboxNotice.status), func.count()).group_by(
            col(OutboxNotice.status)
        )
        return {NoticeStatus(s): int(n) for s, n in self.session.execute(statement)}
