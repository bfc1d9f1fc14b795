"""``matcher worker``: deliver notices as they come due, and run the nightly job on time.

The loop delivers everything due (:func:`~matcher.notices.worker.deliver`, the same claims
and leases as ``matcher notify``), then sleeps until the next notice comes due — a retry's
backoff, a lapsing lease — or the nightly job's time, at most ``MATCHER_WORKER_POLL_SECONDS``.
On PostgreSQL the sleep ends early when the outbox announces new due notices (``NOTIFY``
:data:`~matcher.notices.outbox.DUE_CHANNEL`, sent as rendered rows commit); SQLite polls.

SIGTERM or SIGINT stops it cleanly: no more claims, the message in flight is sent and
recorded, the rest of the batch handed back; a wait or a nightly job under way is broken
off, and the job's lease released so the next worker runs it.
"""

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from types import FrameType
from typing import Any, Protocol, cast

import psycopg
from sqlalchemy import Engine
from sqlmodel import Session

from matcher import clock
from matcher.notices.channels import Sender, open_senders
from matcher.notices.jobs import JobLease
from matcher.notices.outbox import DUE_CHANNEL, OutboxRepository
from matcher.notices.service import render_pending
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel
from matcher.notices.worker import RetryPolicy, deliver

log = logging.getLogger("matcher.worker")

NIGHTLY_JOB = "nightly"


class Stopping(BaseException):
    """Raised by the signal handler into a wait or a nightly job to break it off."""


class Waiter(Protocol):
    def wait(self, seconds: float) -> None:
        """Return after ``seconds``, or sooner when notices come due."""


class Poller:
    """SQLite: nothing announces new notices; look again after the wait."""

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)


class Listener:
    """PostgreSQL: ``LISTEN`` on a connection of its own, outside the pool."""

    def __init__(self, engine: Engine) -> None:
        pooled = engine.raw_connection()
        self.connection = cast(psycopg.Connection[Any], pooled.driver_connection)
        pooled.detach()
        self.connection.autocommit = True
        self.connection.execute(f"LISTEN {DUE_CHANNEL}")

    def wait(self, seconds: float) -> None:
        for _ in self.connection.notifies(timeout=seconds, stop_after=1):
            pass

    def close(self) -> None:
        self.connection.close()


@contextmanager
def waiter(engine: Engine) -> Iterator[Waiter]:
    if engine.dialect.name != "postgresql":
        yield Poller()
        return
    listener = Listener(engine)
    try:
        yield listener
    finally:
        listener.close()


@dataclass(frozen=True, slots=True)
class Nightly:
    """The job run once a day at ``at`` (China time): ``run(day)``."""

    at: clock_time
    run: Callable[[date], None]
    lease: timedelta

    def due_day(self, moment: datetime) -> date | None:
        """The day whose run is due at ``moment``: today once its time has come."""
        local = moment.astimezone(clock.CHINA)
        return local.date() if local.time() >= self.at else None

    def next_time(self, moment: datetime) -> datetime:
        """The next time the job's hour comes round after ``moment``."""
        local = moment.astimezone(clock.CHINA)
        day = local.date() if local.time() < self.at else local.date() + timedelta(days=1)
        return datetime.combine(day, self.at, clock.CHINA)


class Daemon:
    def __init__(self, engine: Engine, config: NoticeSettings, nightly: Nightly | None) -> None:
        self.engine, self.config, self.nightly = engine, config, nightly
        self.retry = RetryPolicy.configured(config)
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False
        self._interruptible = False
        self._done_day: date | None = None
        """The last day whose nightly run this worker found finished (by anyone)."""

    def run(self) -> None:
        """Work until SIGTERM or SIGINT."""
        with self._signals(), open_senders(self.config) as senders, waiter(self.engine) as wait:
            log.info("worker %s started: channels %s", self.holder, ", ".join(senders))
            try:
                while not self.stopping:
                    self._nightly_if_due()
                    self._render()
                    self._deliver(senders)
                    with self._breakable():
                        wait.wait(self._sleep(senders))
            except Stopping:
                pass
        log.info("worker %s stopped", self.holder)

    def _render(self) -> None:
        """Render the notices enqueued since the last look (those a change of facts made)."""
        with Session(self.engine) as session:
            tally = render_pending(session, self.config.page_url, lambda _count: session.commit())
            session.commit()
        if tally.rendered or tally.failed:
            log.info("rendered: %d notices, %d failed", tally.rendered, tally.failed)

    def _deliver(self, senders: dict[Channel, Sender]) -> None:
        tally = deliver(
            self.engine, senders, self.config.lease, self.retry, stop=lambda: self.stopping
        )
        if tally.sent or tally.retry or tally.failed:
            log.info(
                "delivered: %d sent, %d to retry, %d failed", tally.sent, tally.retry, tally.failed
            )

    def _sleep(self, senders: dict[Channel, Sender]) -> float:
        """Seconds until the next notice comes due or the nightly job's time, at most the
        poll interval."""
        moment = clock.now()
        with Session(self.engine) as session:
            due = OutboxRepository(session).next_due(senders)
        wake = [moment + timedelta(seconds=self.config.worker_poll_seconds)]
        if due is not None:
            wake.append(due)
        if self.nightly is not None:
            wake.append(self.nightly.next_time(moment))
        return max(0.0, (min(wake) - moment).total_seconds())

    def _nightly_if_due(self) -> None:
        if self.nightly is None:
            return
        day = self.nightly.due_day(clock.now())
        if day is None or day == self._done_day:
            return
        lease = JobLease(self.engine, NIGHTLY_JOB, day, self.holder, self.nightly.lease)
        if not lease.claim():  # another worker has it; look again while it is unfinished
            if lease.finished():
                self._done_day = day
            return
        log.info("nightly job for %s started", day)
        try:
            with self._renewing(lease), self._breakable():
                self.nightly.run(day)
        except Stopping:
            lease.release()
            log.info("nightly job for %s broken off; its lease is released", day)
            raise
        except Exception as error:
            log.exception("nightly job for %s failed", day)
            lease.finish(f"{type(error).__name__}: {error}")
        else:
            lease.finish()
            log.info("nightly job for %s finished", day)
        self._done_day = day

    @contextmanager
    def _renewing(self, lease: JobLease) -> Iterator[None]:
        """Renew ``lease`` in the background while the job runs."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(lease.lease.total_seconds() / 3):
                if not lease.renew():
                    log.warning("nightly job lease for %s was taken over", lease.day)
                    return

        thread = threading.Thread(target=renew, name="nightly-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    @contextmanager
    def _breakable(self) -> Iterator[None]:
        """A stretch a stop signal breaks off with :class:`Stopping` (a wait, the nightly
        job); elsewhere the signal only sets :attr:`stopping`."""
        self._interruptible = True
        try:
            if self.stopping:
                raise Stopping
            yield
        finally:
            self._interruptible = False

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        self.stopping = True
        if self._interruptible:
            self._interruptible = False
            raise Stopping

    @contextmanager
    def _signals(self) -> Iterator[None]:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
