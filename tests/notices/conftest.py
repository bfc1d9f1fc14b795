from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from matcher.notices.settings import NoticeSettings
from matcher.policies.catalog import default_catalog
from matcher.policies.versions import publish
from tests.notices.receivers import Inbox, SmtpHandler, Webhook, smtp_server, webhook_server

PAGE = "https://hqzc.jiyuan.example/me"


@pytest.fixture
def published(engine: Engine) -> Engine:
    """The test database, emptied, with the seed catalog published."""
    with Session(engine) as session:
        publish(session, default_catalog(), date(2020, 6, 22))
        session.commit()
    return engine


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def smtp(inbox: Inbox) -> Iterator[tuple[int, SmtpHandler]]:
    with smtp_server(inbox) as server:
        yield server


@pytest.fixture
def webhook(inbox: Inbox) -> Iterator[Webhook]:
    with webhook_server(inbox) as receiver:
        yield receiver


@pytest.fixture
def notice_config(smtp: tuple[int, SmtpHandler], webhook: Webhook) -> NoticeSettings:
    """Settings that deliver to the loopback receivers."""
    return NoticeSettings(
        smtp_host="127.0.0.1",
        smtp_port=smtp[0],
        smtp_from="济源惠企政策 <notices@hqzc.jiyuan.example>",
        sms_webhook_url=webhook.url,
        public_url="https://hqzc.jiyuan.example",
    )
