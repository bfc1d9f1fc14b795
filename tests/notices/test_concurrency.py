"""Several delivery workers at once, in threads: each notice is sent exactly once."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from matcher.notices.channels import open_senders
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import OutboxNotice
from matcher.notices.worker import DeliveryTally, RetryPolicy, deliver
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news
from tests.notices.receivers import Inbox

pytestmark = pytest.mark.slow

WORKERS = 4


def test_concurrent_workers_send_each_notice_once(
    published: Engine, inbox: Inbox, notice_config: NoticeSettings
) -> None:
    queued = queue_news(published, 80, PAGE)
    assert queued == 240
    start = threading.Barrier(WORKERS)

    def work() -> DeliveryTally:
        with open_senders(notice_config) as senders:
            start.wait()
            return deliver(published, senders, notice_config.lease, RetryPolicy())

    with ThreadPoolExecutor(WORKERS) as pool:
        tallies = [pool.submit(work) for _ in range(WORKERS)]
        sent = [tally.result().sent for tally in tallies]

    assert sum(sent) == queued
    assert sum(1 for n in sent if n) >= 2, f"the workers did not share the work: {sent}"
    received = Counter(inbox.keys())
    assert len(received) == 160  # e-mail and SMS; in-app messages stay in the database
    assert set(received.values()) == {1}
    with Session(published) as session:
        outcomes = session.exec(
            select(OutboxNotice.status, OutboxNotice.attempts, func.count()).group_by(
                col(OutboxNotice.status), col(OutboxNotice.attempts)
            )
        ).all()
    assert outcomes == [("sent", 1, queued)]
