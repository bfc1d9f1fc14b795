"""E-mail through a real SMTP server (aiosmtpd) on loopback."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from matcher import clock
from matcher.notices.channels import open_senders
from matcher.notices.pages import failed_notices
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel, OutboxNotice
from matcher.notices.worker import DeliveryTally, RetryPolicy, deliver
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news, stored_texts
from tests.notices.receivers import Inbox, SmtpHandler, free_port


def _deliver(engine: Engine, config: NoticeSettings, retry: RetryPolicy) -> DeliveryTally:
    with open_senders(config) as senders:
        return deliver(engine, {Channel.EMAIL: senders[Channel.EMAIL]}, config.lease, retry)


def _emails(engine: Engine) -> list[OutboxNotice]:
    with Session(engine) as session:
        statement = select(OutboxNotice).where(OutboxNotice.channel == Channel.EMAIL)
        return list(session.exec(statement.order_by(col(OutboxNotice.id))).all())


def test_an_email_carries_its_idempotency_key_as_message_id(
    published: Engine, inbox: Inbox, notice_config: NoticeSettings
) -> None:
    queue_news(published, 2, PAGE)
    assert _deliver(published, notice_config, RetryPolicy()).sent == 2
    first, second = _emails(published)
    assert [m.key for m in inbox.messages] == [first.idempotency_key, second.idempotency_key]
    message = inbox.messages[0].content
    assert message["Message-ID"] == f"<{first.idempotency_key}@hqzc.jiyuan.example>"
    assert message["To"] == "ent1@example.com"
    assert message["From"] == "济源惠企政策 <notices@hqzc.jiyuan.example>"
    assert message["Subject"] == "【惠企政策】济源测试企业1有限公司已符合《一次性开业补贴》申请条件"
    with Session(published) as session:
        texts = stored_texts(session, first)
    assert message.get_body(("plain",)).get_content() == texts.text
    assert message.get_body(("html",)).get_content() == texts.html
    html = message.get_body(("html",)).get_content()
    assert '<a href="https://hqzc.jiyuan.example/me">企业专属主页</a>' in html
    assert (first.status, first.attempts, first.last_error) == ("sent", 1, None)
    assert first.sent_at is not None and first.lease_expires_at is None


def test_a_refused_address_fails_for_good_and_staff_see_why(
    published: Engine, smtp: tuple[int, SmtpHandler], notice_config: NoticeSettings
) -> None:
    queue_news(published, 2, PAGE)
    smtp[1].refuse["ent1@example.com"] = "550 5.1.1 No such user"
    tally = _deliver(published, notice_config, RetryPolicy())
    assert (tally.sent, tally.failed) == (1, 1)
    refused = _emails(published)[0]
    assert (refused.status, refused.attempts) == ("failed", 1)
    with Session(published) as session:
        (shown,) = failed_notices(session)
    assert (shown.enterprise_name, shown.channel, shown.kind) == (
        "济源测试企业1有限公司",
        "电子邮件",
        "新符合条件",
    )
    assert shown.address == "ent1@example.com"
    assert shown.reason is not None and "550" in shown.reason and "No such user" in shown.reason


def test_a_busy_server_is_tried_again_later(
    published: Engine,
    inbox: Inbox,
    smtp: tuple[int, SmtpHandler],
    notice_config: NoticeSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue_news(published, 1, PAGE)
    smtp[1].refuse["ent1@example.com"] = "451 4.3.0 Try again later"
    retry = RetryPolicy(base=timedelta(seconds=30))
    assert _deliver(published, notice_config, retry).retry == 1
    (waiting,) = _emails(published)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.last_error is not None and "451" in waiting.last_error
    assert waiting.next_attempt_at is not None
    assert clock.as_utc(waiting.next_attempt_at) > clock.now() + timedelta(seconds=25)
    assert _deliver(published, notice_config, retry).sent == 0  # not due yet

    del smtp[1].refuse["ent1@example.com"]
    later = clock.now() + timedelta(seconds=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _deliver(published, notice_config, retry).sent == 1
    (sent,) = _emails(published)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert len(inbox.messages) == 1


def test_an_unreachable_server_is_tried_again_later(
    published: Engine, notice_config: NoticeSettings
) -> None:
    queue_news(published, 1, PAGE)
    closed = notice_config.model_copy(update={"smtp_port": free_port()})
    assert _deliver(published, closed, RetryPolicy()).retry == 1
    (waiting,) = _emails(published)
    assert waiting.last_error is not None and waiting.last_error.startswith("SMTP 连接失败")
