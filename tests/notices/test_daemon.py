"""``matcher worker`` as a process: it delivers what comes due while it waits (woken by
NOTIFY on PostgreSQL, polling on SQLite), retries on the backoff schedule, stops cleanly on
SIGTERM, and runs the nightly job once however many workers there are."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from matcher import clock
from matcher.notices.daemon import Nightly
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import JobRun, OutboxNotice
from matcher.population.tables import StateRun
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news
from tests.notices.processes import Worker, worker_environment
from tests.notices.receivers import Inbox, Webhook

pytestmark = pytest.mark.slow

MOBILE = "+8613900000002"
"""Enterprise 2's mobile number, as the outbox holds it."""


def _poll_seconds(engine: Engine) -> float:
    """SQLite polls; PostgreSQL waits for a NOTIFY, so a long poll proves it is woken."""
    return 0.2 if engine.dialect.name == "sqlite" else 600


def _statuses(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.exec(select(OutboxNotice.status)).all())


def test_notices_that_come_due_while_it_waits_go_out_and_a_retry_on_its_backoff(
    published: Engine,
    database_url: str,
    inbox: Inbox,
    webhook: Webhook,
    notice_config: NoticeSettings,
    tmp_path: Path,
) -> None:
    environment = worker_environment(
        database_url,
        notice_config,
        worker_poll_seconds=_poll_seconds(published),
        notice_retry_seconds=1,
    )
    worker = Worker(environment, tmp_path / "worker.log")
    worker.wait_for(worker.started)
    webhook.script[MOBILE] = [503]  # the first attempt fails; the retry comes a second later
    queue_news(published, 3, PAGE)  # rendered and committed: due now
    worker.wait_for(lambda: len(inbox.messages) == 6)
    assert worker.stop() == 0, worker.output()
    assert _statuses(published) == {"sent": 9}
    assert [status for _, body, status in webhook.requests if body["mobile"] == MOBILE] == [
        503,
        200,
    ]
    assert "signal SIGTERM: stopping" in worker.output()


def test_two_workers_run_the_nightly_job_once(
    published: Engine, database_url: str, notice_config: NoticeSettings, tmp_path: Path
) -> None:
    environment = worker_environment(
        database_url, notice_config, worker_poll_seconds=0.2, nightly_at="00:00"
    )
    workers = [Worker(environment, tmp_path / f"worker{n}.log") for n in (1, 2)]

    def finished() -> bool:
        with Session(published) as session:
            return session.exec(select(JobRun.finished_at)).first() is not None

    workers[0].wait_for(finished, seconds=120)
    for worker in workers:
        worker.wait_for(worker.started)
    assert [worker.stop() for worker in workers] == [0, 0]
    with Session(published) as session:
        [run] = session.exec(select(JobRun)).all()
        runs = session.exec(select(func.count()).select_from(StateRun)).one()
    assert (run.job, run.day, run.error) == ("nightly", clock.today(), None)
    assert runs == 1
    ran = [f"nightly job for {run.day} finished" in worker.output() for worker in workers]
    assert sorted(ran) == [False, True]


def test_the_nightly_time_is_china_time() -> None:
    nightly = Nightly(time(2, 0), lambda _day: None, timedelta(minutes=5))
    before = datetime(2026, 11, 27, 17, 59, tzinfo=UTC)  # 01:59 in China
    after = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # 02:00 on the 28th
    assert nightly.due_day(before) is None
    assert nightly.due_day(after) == date(2026, 11, 28)
    assert nightly.next_time(before) == datetime(2026, 11, 28, 2, 0, tzinfo=clock.CHINA)
    assert nightly.next_time(after) == datetime(2026, 11, 29, 2, 0, tzinfo=clock.CHINA)
