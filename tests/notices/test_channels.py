"""The senders' connections: SMTP with STARTTLS or implicit TLS and a login, against aiosmtpd
with a certificate made in the test (trustme) and AUTH; the SMS gateway in template mode."""

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from matcher.notices.channels import open_senders
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel, OutboxNotice
from matcher.notices.worker import DeliveryTally, RetryPolicy, deliver
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news, stored_texts
from tests.notices.receivers import (
    SMTP_PASSWORD,
    SMTP_USER,
    Inbox,
    Logins,
    Webhook,
    smtp_server,
    starttls_server,
    tls_context,
)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    return tls_context(ca)


def _settings(port: int, security: str, ca_file: Path | None, password: str) -> NoticeSettings:
    return NoticeSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="济源惠企政策 <notices@hqzc.jiyuan.example>",
        smtp_security=security,
        smtp_username=SMTP_USER,
        smtp_password=password,
        smtp_ca_file=ca_file,
        smtp_timeout_seconds=5,
    )


def _deliver(engine: Engine, config: NoticeSettings) -> DeliveryTally:
    with open_senders(config) as senders:
        return deliver(engine, {Channel.EMAIL: senders[Channel.EMAIL]}, config.lease, RetryPolicy())


def _emails(engine: Engine) -> list[OutboxNotice]:
    with Session(engine) as session:
        statement = select(OutboxNotice).where(OutboxNotice.channel == Channel.EMAIL)
        return list(session.exec(statement.order_by(col(OutboxNotice.id))).all())


@pytest.fixture
def starttls(inbox: Inbox, ca: trustme.CA) -> Iterator[tuple[int, Logins]]:
    logins = Logins()
    with starttls_server(inbox, ca, logins) as (port, _handler):
        yield port, logins


@pytest.fixture
def implicit_tls(inbox: Inbox, server_context: ssl.SSLContext) -> Iterator[tuple[int, Logins]]:
    logins = Logins()
    # aiosmtpd counts only STARTTLS as TLS for AUTH; the logins check the session is TLS
    options = {"ssl_context": server_context, "authenticator": logins, "auth_require_tls": False}
    with smtp_server(inbox, auth_required=True, **options) as (port, _handler):
        yield port, logins


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_tls_after_a_login(
    published: Engine,
    inbox: Inbox,
    ca_file: Path,
    security: str,
    request: pytest.FixtureRequest,
) -> None:
    port, logins = request.getfixturevalue("starttls" if security == "starttls" else "implicit_tls")
    queue_news(published, 2, PAGE)
    tally = _deliver(published, _settings(port, security, ca_file, SMTP_PASSWORD))
    assert (tally.sent, tally.retry, tally.failed) == (2, 0, 0), _emails(published)[0].last_error
    assert [m.address for m in inbox.messages] == ["ent1@example.com", "ent2@example.com"]
    assert logins.seen == [(SMTP_USER, True)]  # one connection, signed in over TLS
    assert {n.status for n in _emails(published)} == {"sent"}


def test_a_wrong_password_fails_the_notice_for_good_with_the_reason(
    published: Engine, inbox: Inbox, ca_file: Path, starttls: tuple[int, Logins]
) -> None:
    queue_news(published, 1, PAGE)
    tally = _deliver(published, _settings(starttls[0], "starttls", ca_file, "wrong"))
    assert (tally.sent, tally.retry, tally.failed) == (0, 0, 1)
    [notice] = _emails(published)
    assert (notice.status, notice.attempts) == ("failed", 1)
    assert notice.last_error == "SMTP 登录失败（535），请检查用户名和密码"
    assert inbox.messages == []


def test_a_certificate_no_one_vouches_for_is_refused_and_tried_again_later(
    published: Engine, inbox: Inbox, implicit_tls: tuple[int, Logins]
) -> None:
    queue_news(published, 1, PAGE)
    tally = _deliver(published, _settings(implicit_tls[0], "tls", None, SMTP_PASSWORD))
    assert (tally.sent, tally.retry, tally.failed) == (0, 1, 0)
    [notice] = _emails(published)
    assert notice.status == "pending" and notice.next_attempt_at is not None
    assert notice.last_error == "SMTP 服务器证书校验失败：unable to get local issuer certificate"
    assert inbox.messages == [] and implicit_tls[1].seen == []


def test_starttls_to_a_server_without_it_fails_for_good(
    published: Engine, inbox: Inbox, smtp: tuple[int, Any], ca_file: Path
) -> None:
    queue_news(published, 1, PAGE)
    tally = _deliver(published, _settings(smtp[0], "starttls", ca_file, SMTP_PASSWORD))
    assert tally.failed == 1
    [notice] = _emails(published)
    assert notice.last_error == (
        "SMTP 服务器不支持所配置的方式：STARTTLS extension not supported by server."
    )
    assert inbox.messages == []


def test_template_mode_sends_the_registered_code_and_values(
    published: Engine, inbox: Inbox, webhook: Webhook
) -> None:
    queue_news(published, 1, PAGE)
    config = NoticeSettings(
        sms_webhook_url=webhook.url, sms_mode="template", sms_sign="【济源惠企】"
    )
    with open_senders(config) as senders:
        tally = deliver(published, {Channel.SMS: senders[Channel.SMS]}, config.lease, RetryPolicy())
    assert tally.sent == 1
    with Session(published) as session:
        notice = session.exec(select(OutboxNotice).where(OutboxNotice.channel == Channel.SMS)).one()
        key, mobile = notice.idempotency_key, notice.address
        stored = stored_texts(session, notice).sms_template
    assert webhook.requests == [
        (
            key,
            {
                "idempotency_key": key,
                "mobile": mobile,
                "sign": "【济源惠企】",
                "template_code": "SMS_HQZC_0002",
                "template_params": {"policy": "一次性开业补贴"},
            },
            200,
        )
    ]
    assert stored == {
        "code": "SMS_HQZC_0002",
        "params": {"policy": "一次性开业补贴"},
        "text": "贵企业已符合《一次性开业补贴》申请条件，请登录平台查看。回复TD退订",
    }
