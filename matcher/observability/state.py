"""The service's state as Prometheus gauges, read from the database at each scrape.

A handful of cheap queries: the outbox by status walks the head of the queue index (the
delivered notices, most of the table, are not counted), the overdue claims the due-date index,
and the match runs and ledger verifications are a row a day.
"""

import logging
from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import Engine, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from matcher import clock
from matcher.notices.tables import NoticeStatus, OutboxNotice
from matcher.payouts.tables import Claim, LedgerVerification, overdue
from matcher.population.tables import MatchRun

log = logging.getLogger(__name__)

WAITING = (NoticeStatus.PENDING, NoticeStatus.SENDING)
"""The outbox's depth: notices not delivered yet (``failed`` ones are counted apart)."""


class ServiceState:
    """A prometheus_client collector of the gauges below; ``matcher_state_up`` is 0 (and the
    others are left out) when the database could not be read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        try:
            with Session(self.engine) as session:
                gauges, up = list(_gauges(session, clock.now())), 1
        except SQLAlchemyError:
            log.warning("cannot read the service state for /metrics", exc_info=True)
            gauges, up = [], 0
        yield from gauges
        yield GaugeMetricFamily(
            "matcher_state_up", "Whether the state gauges could be read from the database", up
        )


def _gauges(session: Session, moment: datetime) -> Iterator[Metric]:
    counts = dict(
        session.exec(
            select(OutboxNotice.status, func.count())
            .where(col(OutboxNotice.status).in_([*WAITING, NoticeStatus.FAILED]))
            .group_by(OutboxNotice.status)
        ).all()
    )
    depth = GaugeMetricFamily(
        "matcher_notice_outbox_depth",
        "Notices waiting in the outbox (pending) or being delivered (sending)",
        labels=["status"],
    )
    for status in WAITING:
        depth.add_metric([status.value], counts.get(status, 0))
    yield depth
    yield GaugeMetricFamily(
        "matcher_notices_failed",
        "Notices that failed for good (refused, or out of attempts) and wait for staff",
        value=counts.get(NoticeStatus.FAILED, 0),
    )

    run_age = GaugeMetricFamily(
        "matcher_match_run_last_finished_age_seconds",
        "Seconds since the latest match run finished (absent before the first one)",
    )
    finished = session.exec(select(func.max(MatchRun.finished_at))).one()
    if finished is not None:
        run_age.add_metric([], (moment - finished).total_seconds())
    yield run_age

    late = session.exec(select(func.count()).select_from(Claim).where(overdue(clock.today()))).one()
    yield GaugeMetricFamily(
        "matcher_claims_overdue",
        "Pending claims past their due date (the clock waits while materials are requested)",
        value=late,
    )

    verified = GaugeMetricFamily(
        "matcher_ledger_last_verified_timestamp_seconds",
        "When `matcher ledger verify` last found the ledger intact, Unix time (absent: never)",
    )
    records = GaugeMetricFamily(
        "matcher_ledger_last_verified_records",
        "Decision records the latest successful ledger verification checked",
    )
    latest = session.exec(
        select(LedgerVerification).order_by(col(LedgerVerification.id).desc()).limit(1)
    ).first()
    if latest is not None:
        verified.add_metric([], latest.verified_at.timestamp())
        records.add_metric([], latest.records)
    yield verified
    yield records
