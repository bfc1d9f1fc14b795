"""``matcher worker`` killed with SIGKILL and SIGTERM at random points while it delivers
10,000 notices (5,000 enterprises, an e-mail and an SMS each), restarted until the outbox is
drained, on PostgreSQL.

None is lost. The signals are sent from the receivers as they accept a message, before the
worker hears back, so each falls while a message is in flight: SIGKILL leaves it sent but
not recorded, and it goes out again once its lease has run out — exactly one raw duplicate a
kill, with the same idempotency key (Message-ID, ``Idempotency-Key``); SIGTERM lets the
worker record it and hand the rest of its batch back, and it exits 0 with nothing sent twice
and no lease held.
"""

import random
import signal
import time
from collections import Counter
from pathlib import Path
from subprocess import Popen

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel, OutboxNotice
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news
from tests.notices.processes import Worker, worker_environment
from tests.notices.receivers import Inbox, Received

pytestmark = pytest.mark.slow

SEED = 20261128
ENTERPRISES = 5_000
LEASE_SECONDS = 2
WAIT_SECONDS = 600
SIGNALS = [signal.SIGKILL, signal.SIGKILL, signal.SIGTERM, signal.SIGTERM]


def _outbox(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return dict(session.exec(select(OutboxNotice.idempotency_key, OutboxNotice.status)).all())


def _same_message(copies: list[Received]) -> bool:
    """Whether the copies are one message: the same body, the same Message-ID."""
    if copies[0].channel == "sms":
        return all(copy.content == copies[0].content for copy in copies)
    first = copies[0].content
    return all(
        copy.content["Message-ID"] == first["Message-ID"]
        and copy.content.get_body(("plain",)).get_content()
        == first.get_body(("plain",)).get_content()
        for copy in copies
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_kills_at_random_points_lose_nothing_and_duplicate_only_the_message_in_flight(
    published: Engine,
    database_url: str,
    inbox: Inbox,
    notice_config: NoticeSettings,
    tmp_path: Path,
) -> None:
    queue_news(published, ENTERPRISES, PAGE)
    expected = {key for key in _outbox(published) if not key.endswith(Channel.IN_APP)}
    assert len(expected) == 2 * ENTERPRISES
    environment = worker_environment(
        database_url, notice_config, worker_poll_seconds=0.5, notice_lease_seconds=LEASE_SECONDS
    )
    rng = random.Random(SEED)
    order = rng.sample(SIGNALS, len(SIGNALS))
    # a point in each fifth of the messages, the last fifth left for the final run
    fifth = len(expected) // (len(order) + 1)
    points = [n * fifth + rng.randrange(1, fifth) for n in range(len(order))]
    boundaries: dict[signal.Signals, list[int]] = {signal.SIGKILL: [], signal.SIGTERM: []}
    log = tmp_path / "worker.log"

    for number, point in zip(order, points, strict=True):
        worker = Worker(environment, log)

        def interrupt(
            count: int,
            at: int = point,
            number: signal.Signals = number,
            process: Popen[bytes] = worker.process,
        ) -> None:
            if count == at:
                process.send_signal(number)

        inbox.on_message = interrupt
        status = worker.process.wait(timeout=WAIT_SECONDS)
        inbox.on_message = None
        assert status == (0 if number == signal.SIGTERM else -signal.SIGKILL), worker.output()
        if number == signal.SIGTERM:  # it recorded the message in flight, handed back the rest
            assert "sending" not in _outbox(published).values()
        time.sleep(0.2)  # let the receivers finish what they were handling
        boundaries[number].append(point)

    worker = Worker(environment, log)
    worker.wait_for(lambda: set(_outbox(published).values()) == {"sent"}, WAIT_SECONDS)
    assert worker.stop() == 0, worker.output()

    received = Counter(inbox.keys())
    assert set(received) == expected  # none lost
    duplicated = {key for key, n in received.items() if n > 1}
    keys = inbox.keys()
    assert duplicated == {keys[point - 1] for point in boundaries[signal.SIGKILL]}
    assert sum(received.values()) - len(received) == len(boundaries[signal.SIGKILL])
    for key in duplicated:
        assert _same_message([m for m in inbox.messages if m.key == key])
