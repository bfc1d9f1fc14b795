"""``matcher notify`` killed with SIGKILL at random points, then run again until it is done.

Every notice is delivered, none lost; after dedup on the idempotency key each is delivered
exactly once. The raw duplicates come only from the crash window: a message the receiver
accepted from a process killed before it could record "sent". The first two kills are aimed
at that window (the receiver kills the sender as it accepts a message, before the sender hears
back), so each yields exactly one duplicate; the next two fall at random times around the end
of start-up (loading, enqueueing, rendering, sending), where they may or may not hit it.
"""

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel, OutboxNotice
from tests.notices.factories import news_for_all
from tests.notices.receivers import Inbox

pytestmark = pytest.mark.slow

SEED = 20201001
ENTERPRISES = 60
LEASE_SECONDS = 1


class Runs:
    """Runs ``matcher notify`` in a subprocess; kills it on a timer or from the receiver."""

    def __init__(self, database_url: str, config: NoticeSettings, inbox: Inbox, log: Path):
        self.environment = os.environ | {
            "MATCHER_DATABASE_URL": database_url,
            "MATCHER_SMTP_HOST": str(config.smtp_host),
            "MATCHER_SMTP_PORT": str(config.smtp_port),
            "MATCHER_SMTP_FROM": config.smtp_from,
            "MATCHER_SMS_WEBHOOK_URL": str(config.sms_webhook_url),
            "MATCHER_PUBLIC_URL": config.public_url,
            "MATCHER_NOTICE_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        self.inbox = inbox
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.kill_at: int | None = None
        self.started = 0.0
        self.first_message: float | None = None
        """Seconds from the start of the last run to the first message it sent."""

    def run(self, after_messages: int | None = None, after_seconds: float | None = None) -> int:
        """Run once, killed after that many more messages or seconds; the exit status."""
        self.kill_at = None if after_messages is None else len(self.inbox.messages) + after_messages
        self.first_message = None
        self.inbox.on_message = self._received
        self.started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "matcher", "notify"],
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self.process.wait(timeout=after_seconds or 120)
        except subprocess.TimeoutExpired:
            self._kill()
        status = self.process.wait()
        self.inbox.on_message = None
        return status

    def _received(self, count: int) -> None:
        if self.first_message is None:
            self.first_message = time.monotonic() - self.started
        if count == self.kill_at:
            self._kill()

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)


def _outbox(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return dict(session.exec(select(OutboxNotice.idempotency_key, OutboxNotice.status)).all())


def test_sigkill_at_random_points_loses_nothing_and_duplicates_only_the_crash_window(
    published: Engine,
    database_url: str,
    inbox: Inbox,
    notice_config: NoticeSettings,
    tmp_path: Path,
) -> None:
    with Session(published) as session:
        news_for_all(session, ENTERPRISES)
        session.commit()
    runs = Runs(database_url, notice_config, inbox, tmp_path / "notify.log")
    rng = random.Random(SEED)
    kills = aimed = 0
    boundaries = []  # the inbox's length after each kill: the last message before it is -1
    start_up = 0.0
    for aim in (True, True, False, False):
        if aim:
            status = runs.run(after_messages=rng.randint(1, 25))
            start_up = runs.first_message or start_up
        else:
            status = runs.run(after_seconds=start_up * rng.uniform(0.8, 1.5))
        if status == -signal.SIGKILL:
            kills, aimed = kills + 1, aimed + aim
            time.sleep(0.2)  # let the receivers finish what they were handling
            boundaries.append(len(inbox.messages))

    for _ in range(4):  # to the end; what a killed run held comes due when its lease ends
        assert runs.run() == 0, runs.log.read_text("utf-8")
        if set(_outbox(published).values()) == {"sent"}:
            break
        time.sleep(LEASE_SECONDS)

    outbox = _outbox(published)
    assert len(outbox) == ENTERPRISES * len(Channel)
    assert set(outbox.values()) == {"sent"}, Counter(outbox.values())
    received = Counter(inbox.keys())
    assert set(received) == {key for key in outbox if not key.endswith(".in_app")}
    raw_duplicates = sum(received.values()) - len(received)
    print(f"\n{kills} kills, {aimed} aimed at the window: {raw_duplicates} raw duplicates")
    assert aimed == 2, (aimed, kills)
    assert aimed <= raw_duplicates <= kills, (aimed, raw_duplicates, kills)
    duplicated = {key for key, n in received.items() if n > 1}
    keys = inbox.keys()
    assert duplicated <= {keys[boundary - 1] for boundary in boundaries if boundary}
    with Session(published) as session:
        retried = session.exec(
            select(func.count()).select_from(OutboxNotice).where(col(OutboxNotice.attempts) > 1)
        ).one()
    assert retried >= len(duplicated)
