"""Contacts on the pages, the links in messages, and the whole path on each database with a
real SMTP relay (STARTTLS and a login) and a real SMS gateway: a contact confirmed → a
population match → a notice → unsubscribe → nothing more sent to that address."""

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from matcher.auth.tables import Account
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.channels import open_senders
from matcher.notices.consent import unsubscribe_url
from matcher.notices.contacts import Actor, ContactBook
from matcher.notices.service import enqueue, notice_plan, render_pending
from matcher.notices.settings import NoticeSettings, notice_settings
from matcher.notices.tables import Channel, ContactOrigin, NoticeContact, NoticeTopic, OutboxNotice
from matcher.notices.worker import RetryPolicy, deliver
from matcher.policies.catalog import Catalog
from matcher.policies.versions import publish
from matcher.population.service import match_population
from tests.notices.receivers import (
    SMTP_PASSWORD,
    SMTP_USER,
    Inbox,
    Logins,
    starttls_server,
    webhook_server,
)
from tests.web.conftest import DEMO

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
SITE = "http://testserver"
WAITING, ENTITLED = date(2020, 8, 1), date(2020, 10, 1)  # the demo's first year ends 2020-09-16


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def config(client: TestClient, inbox: Inbox, tmp_path: Path) -> Iterator[NoticeSettings]:
    """Notices and confirmations of the app under test go to loopback receivers: an SMTP relay
    that wants STARTTLS and a login (its certificate from a CA made here), and an SMS gateway."""
    ca, logins = trustme.CA(), Logins()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with starttls_server(inbox, ca, logins) as (port, _handler), webhook_server(inbox) as webhook:
        settings = NoticeSettings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="starttls",
            smtp_username=SMTP_USER,
            smtp_password=SMTP_PASSWORD,
            smtp_ca_file=ca_file,
            smtp_from="济源惠企政策 <notices@hqzc.jiyuan.example>",
            sms_webhook_url=webhook.url,
            public_url=SITE,
        )
        app: Any = client.app
        app.dependency_overrides[notice_settings] = lambda: settings
        yield settings
        app.dependency_overrides.clear()


def _demo_id(engine: Engine) -> int:
    with Session(engine) as session:
        row = EnterpriseRepository(session).row(DEMO.uscc)
        assert row is not None
        return int(row["id"])


def _confirmed_email(engine: Engine, address: str) -> int:
    with session_scope(engine) as session:
        book = ContactBook(session, _demo_id(engine))
        actor = Actor("银辉新材料", ContactOrigin.SELF)
        contact = book.add(Channel.EMAIL, address, set(NoticeTopic), actor)
        book.mark_confirmed(contact, actor)
        assert contact.id is not None
        return contact.id


def _contact(engine: Engine, contact_id: int) -> NoticeContact:
    with Session(engine) as session:
        contact = session.get(NoticeContact, contact_id)
        assert contact is not None
        return contact


def test_the_unsubscribe_link_shows_a_page_and_its_post_opts_out_without_a_login(
    client: TestClient, engine: Engine, config: NoticeSettings
) -> None:
    contact_id = _confirmed_email(engine, "caiwu@example.com")
    url = unsubscribe_url(config, contact_id).removeprefix(SITE)
    page = client.get(url)
    assert page.status_code == 200
    assert "确定让 caiwu@example.com 不再接收惠企政策通知吗？" in page.text
    assert _contact(engine, contact_id).unsubscribed_at is None  # opening it changes nothing

    client.cookies.clear()  # a mail client's one-click POST carries no session
    one_click = client.post(url, content=b"List-Unsubscribe=One-Click")
    assert one_click.status_code == 200
    assert "caiwu@example.com 已退订" in one_click.text
    contact = _contact(engine, contact_id)
    assert contact.unsubscribed_at is not None and contact.unsubscribed_via == "link"


def test_a_forged_unsubscribe_link_is_refused(
    client: TestClient, engine: Engine, config: NoticeSettings
) -> None:
    contact_id = _confirmed_email(engine, "caiwu@example.com")
    token = unsubscribe_url(config, contact_id).rpartition("/")[2]
    forged = NoticeSettings(public_url=SITE, secret_key="another key")
    for url in (
        f"/unsubscribe/{token[:-2]}xx",
        unsubscribe_url(forged, contact_id).removeprefix(SITE),
        "/unsubscribe/not-a-token",
    ):
        assert client.post(url).status_code == 404
        assert "链接无效" in client.get(url).text
    assert _contact(engine, contact_id).unsubscribed_at is None


def _email_link(inbox: Inbox) -> str:
    message = inbox.messages[-1].content
    assert isinstance(message, EmailMessage)
    found = re.search(r"http://testserver(/contacts/confirm/\S+)", message.get_content())
    assert found is not None
    return found.group(1)


def test_an_enterprise_adds_an_address_on_its_page_and_confirms_it_by_the_link(
    client: TestClient,
    engine: Engine,
    config: NoticeSettings,
    inbox: Inbox,
    sign_in: SignIn,
    csrf: CsrfOf,
) -> None:
    sign_in("yinhui")
    assert '<a href="/me/contacts">通知联系方式</a>' in client.get("/me").text
    token = csrf("/me/contacts")
    bad = client.post(
        "/me/contacts",
        data={"csrf_token": token, "channel": "sms", "address": "0391-6633333"},
    )
    assert bad.status_code == 422
    assert "这是固定电话号码，无法接收短信，请填写手机号码" in bad.text
    added = client.post(
        "/me/contacts",
        data={
            "csrf_token": token,
            "channel": "email",
            "address": "caiwu@example.com",
            "topic_entitlements": "1",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    listed = client.get("/me/contacts").text
    assert (
        "电子邮件 caiwu@example.com</strong> · 待确认：已发送确认信息 · 接收：可享政策变化"
        in listed
    )
    link = _email_link(inbox)
    assert inbox.messages[-1].address == "caiwu@example.com"

    anonymous = TestClient(client.app)
    assert "确认接收" in anonymous.get(link).text
    done = anonymous.post(link)
    assert done.status_code == 200 and "caiwu@example.com 已确认" in done.text
    assert anonymous.post(link).status_code == 404  # a secret confirms once
    assert "已确认，接收通知" in client.get("/me/contacts").text


def test_staff_add_and_correct_a_contact_on_the_enterprise_page(
    client: TestClient,
    engine: Engine,
    config: NoticeSettings,
    inbox: Inbox,
    sign_in: SignIn,
    csrf: CsrfOf,
) -> None:
    sign_in("wangfang")
    page = f"/staff/enterprises/{DEMO.uscc}"
    token = csrf(page)
    added = client.post(
        f"{page}/contacts",
        data={"csrf_token": token, "channel": "sms", "address": "13900000001"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert inbox.messages[-1].content["text"].endswith(" 回复TD退订")
    with Session(engine) as session:
        (contact,) = session.execute(select(NoticeContact)).scalars()
        staff_id = session.execute(select(Account.id).where(Account.username == "wangfang"))
        assert (contact.added_by, contact.origin) == (f"account:{staff_id.scalar_one()}", "staff")
    shown = client.get(page).text
    assert "短信 13900000001</strong> · 待确认：已发送确认信息" in shown and "添加人：王芳" in shown
    corrected = client.post(
        f"{page}/contacts/{contact.id}",
        data={"csrf_token": token, "address": "13900000002", "topics": "1", "topic_claims": "1"},
        follow_redirects=False,
    )
    assert corrected.status_code == 303
    changed = _contact(engine, contact.id or 0)
    assert (changed.address, changed.updated_by, changed.wants_entitlements) == (
        "+8613900000002",
        contact.added_by,
        False,
    ), "the same account"


def _match_and_notify(engine: Engine, catalog: Catalog, config: NoticeSettings) -> None:
    """A population run after a baseline, then ``notify``: enqueue, render, deliver."""
    with session_scope(engine) as session:
        plan = notice_plan(session)
        assert plan is not None
        enqueue(session, plan)
        render_pending(session, config.page_url)
    with open_senders(config) as senders:
        deliver(engine, senders, config.lease, RetryPolicy(base=timedelta(0)))


def test_confirmed_then_matched_then_notified_then_unsubscribed_then_nothing_more(
    client: TestClient, engine: Engine, catalog: Catalog, config: NoticeSettings, inbox: Inbox
) -> None:
    with session_scope(engine) as session:
        publish(session, catalog, ENTITLED)
        book = ContactBook(session, _demo_id(engine))
        actor = Actor("银辉新材料", ContactOrigin.SELF)
        book.add(Channel.EMAIL, "pending@example.com", set(NoticeTopic), actor)  # unconfirmed
    contact_id = _confirmed_email(engine, "caiwu@example.com")
    startup = catalog.get("startup-subsidy")
    assert startup is not None
    match_population(engine, [startup], WAITING)
    match_population(engine, [startup], ENTITLED)
    _match_and_notify(engine, catalog, config)

    (notice,) = [m for m in inbox.messages if m.channel == "email"]
    assert notice.address == "caiwu@example.com"  # the unconfirmed address got nothing
    message = notice.content
    url = unsubscribe_url(config, contact_id)
    assert str(message["List-Unsubscribe"]).strip() == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert client.post(url.removeprefix(SITE), content=b"List-Unsubscribe=One-Click").is_success

    green = catalog.get("credit-green-channel")
    assert green is not None
    match_population(engine, [green], ENTITLED + timedelta(days=1))
    before = len(inbox.messages)
    with session_scope(engine) as session:
        plan = notice_plan(session)
        assert plan is not None and plan.changed >= 1
        enqueue(session, plan)
        later = session.execute(
            select(col(OutboxNotice.channel)).where(col(OutboxNotice.policy_id) == green.id)
        ).scalars()
        assert list(later) == ["in_app"]  # told on its page, not at the address it left
    _match_and_notify_later(engine, config)
    assert [m for m in inbox.messages[before:] if m.channel == "email"] == []


def _match_and_notify_later(engine: Engine, config: NoticeSettings) -> None:
    with session_scope(engine) as session:
        render_pending(session, config.page_url)
    with open_senders(config) as senders:
        deliver(engine, senders, config.lease, RetryPolicy(base=timedelta(0)))
