"""The nightly job's lock: one ``job_runs`` row per (job, day), claimed by inserting it."""

from datetime import date, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from matcher import clock
from matcher.notices.jobs import JobLease
from matcher.notices.tables import JobRun

DAY = date(2026, 11, 28)
LEASE = timedelta(minutes=5)


def _lease(engine: Engine, holder: str, day: date = DAY) -> JobLease:
    return JobLease(engine, "nightly", day, holder, LEASE)


def _rows(engine: Engine) -> list[tuple[date, str, bool, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(JobRun).order_by(col(JobRun.day))).all()
        return [(r.day, r.holder, r.finished_at is not None, r.error) for r in rows]


def test_one_holder_a_day_and_a_finished_job_is_never_run_again(engine: Engine) -> None:
    first, second = _lease(engine, "a:1"), _lease(engine, "b:2")
    assert first.claim() is True
    assert second.claim() is False
    assert second.renew() is False and second.finish() is False
    assert second.finished() is False  # running: the other looks again later
    assert first.renew() is True and first.finish() is True
    assert second.finished() is True
    assert second.claim() is False and _lease(engine, "a:1").claim() is False
    assert _lease(engine, "b:2", DAY + timedelta(days=1)).claim() is True
    assert _rows(engine) == [
        (DAY, "a:1", True, None),
        (DAY + timedelta(days=1), "b:2", False, None),
    ]


def test_a_dead_holders_job_is_taken_over_once_its_lease_runs_out(engine: Engine) -> None:
    dead, alive = _lease(engine, "a:1"), _lease(engine, "b:2")
    assert dead.claim() is True
    assert alive.claim() is False  # the lease still runs
    with Session(engine) as session:
        session.execute(update(JobRun).values(lease_expires_at=clock.now() - timedelta(seconds=1)))
        session.commit()
    assert alive.claim() is True
    assert dead.renew() is False and dead.finish("late") is False  # fenced off
    assert alive.finish("ValueError: boom") is True
    assert _rows(engine) == [(DAY, "b:2", True, "ValueError: boom")]


def test_a_released_job_is_run_by_the_next_worker(engine: Engine) -> None:
    stopping, next_one = _lease(engine, "a:1"), _lease(engine, "b:2")
    assert stopping.claim() is True
    stopping.release()
    assert _rows(engine) == []
    assert next_one.claim() is True
    stopping.release()  # not its row any more: nothing happens
    assert _rows(engine) == [(DAY, "b:2", False, None)]
