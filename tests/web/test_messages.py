"""From a population run to the enterprise's page: a waiting period ends, the next run finds
the enterprise entitled, and the in-app notice appears on 企业专属主页, which opens with a short
summary of the messages; 政策消息 lists them all a page at a time, read and unread. Failed
notices are listed for staff."""

from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.channels import InAppSender
from matcher.notices.service import enqueue, notice_plan, render_pending
from matcher.notices.tables import Channel, NoticeStatus, OutboxNotice
from matcher.notices.worker import RetryPolicy, deliver
from matcher.policies.catalog import Catalog
from matcher.policies.versions import publish
from matcher.population.service import match_population
from tests.web.conftest import DEMO, OTHER

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
WAITING, ENTITLED = date(2020, 8, 1), date(2020, 10, 1)  # the demo's first year ends 2020-09-16


def _runs_and_notices(engine: Engine, catalog: Catalog) -> None:
    with session_scope(engine) as session:
        publish(session, catalog, ENTITLED)
    startup = [catalog.get("startup-subsidy")]
    match_population(engine, [p for p in startup if p is not None], WAITING)
    match_population(engine, [p for p in startup if p is not None], ENTITLED)
    with session_scope(engine) as session:
        plan = notice_plan(session)
        assert plan is not None
        enqueue(session, plan)
        render_pending(session, "http://testserver")
    deliver(engine, {Channel.IN_APP: InAppSender()}, timedelta(seconds=60), RetryPolicy())


def test_the_enterprise_reads_its_notice(
    client: TestClient, engine: Engine, catalog: Catalog, sign_in: SignIn
) -> None:
    _runs_and_notices(engine, catalog)
    sign_in("yinhui")
    page = client.get("/me").text
    assert "政策消息" in page
    assert "一次性开业补贴" in page.split("政策消息")[1].split("</section>")[0]


def test_staff_see_notices_that_could_not_be_sent(
    client: TestClient, engine: Engine, catalog: Catalog, sign_in: SignIn
) -> None:
    _runs_and_notices(engine, catalog)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE notice_outbox SET status = 'failed', last_error = '邮箱地址不存在'"
            " WHERE channel = 'in_app'"
        )
    sign_in("wangfang")
    page = client.get("/staff").text
    section = page.split('<section class="card failed-notices"')[1].split("</section>")[0]
    assert "通知发送失败（1）" in section
    assert "济源市银辉新材料有限公司" in section and "邮箱地址不存在" in section


def _messages(engine: Engine, count: int, uscc: str = DEMO.uscc) -> list[int]:
    """``count`` delivered in-app messages to the enterprise ``uscc``, the last the newest."""
    with session_scope(engine) as session:
        row = EnterpriseRepository(session).row(uscc)
        assert row is not None
        notices = [
            OutboxNotice(
                enterprise_id=row["id"],
                run_id=1,
                policy_id="startup-subsidy",
                policy_version="v" * 64,
                kind="entitled",
                channel=Channel.IN_APP,
                idempotency_key=f"{uscc}.{number}",
                subject=f"第{number}条消息",
                body_text="政策内容：一次性开业补贴5000元",
                status=NoticeStatus.SENT,
                sent_at=clock.now(),
            )
            for number in range(1, count + 1)
        ]
        session.add_all(notices)
        session.flush()
        return [n.id for n in notices if n.id is not None]


def test_the_page_opens_with_the_unread_count_and_the_three_newest(
    client: TestClient, engine: Engine, sign_in: SignIn
) -> None:
    _messages(engine, 5)
    sign_in("yinhui")
    page = client.get("/me").text
    summary = page.split('<section class="card summary"')[1].split("</section>")[0]
    assert page.index("card summary") < page.index("统一社会信用代码") < page.index("推导信息")
    assert "您有 <strong>5</strong> 条未读消息" in summary
    assert '<a href="/me/messages">查看全部 5 条消息</a>' in summary
    shown = [f"第{n}条消息" for n in range(1, 6) if f"第{n}条消息" in summary]
    assert shown == ["第3条消息", "第4条消息", "第5条消息"]
    assert summary.index("第5条消息") < summary.index("第3条消息")


def test_without_messages_the_page_has_no_summary(client: TestClient, sign_in: SignIn) -> None:
    sign_in("yinhui")
    assert "card summary" not in client.get("/me").text


def test_all_messages_a_page_at_a_time(client: TestClient, engine: Engine, sign_in: SignIn) -> None:
    _messages(engine, 25)
    _messages(engine, 1, OTHER.uscc)
    sign_in("yinhui")
    first = client.get("/me/messages").text
    assert "共 25 条，未读 25 条。" in first
    assert first.count('<li class="message unread">') == 20
    assert "第25条消息" in first and "第6条消息" in first and "第5条消息" not in first
    assert "第 1 / 2 页" in first and 'href="/me/messages?page=2"' in first
    second = client.get("/me/messages?page=2").text
    assert second.count('<li class="message unread">') == 5 and "第1条消息" in second
    assert client.get("/me/messages?page=0").status_code == 422


def test_opening_a_message_marks_it_read_and_goes_to_its_policy(
    client: TestClient, engine: Engine, sign_in: SignIn
) -> None:
    first, second = _messages(engine, 2)
    sign_in("yinhui")
    opened = client.get(f"/me/messages/{first}", follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (303, "/policies/startup-subsidy")
    page = client.get("/me/messages").text
    assert "未读 1 条" in page
    assert f'<li class="message unread">\n    <p><a href="/me/messages/{second}">' in page
    assert f'<li class="message">\n    <p><a href="/me/messages/{first}">' in page


def test_mark_all_read_needs_the_csrf_token(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    _messages(engine, 3)
    sign_in("yinhui")
    refused = client.post("/me/messages/read", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert "未读 3 条" in client.get("/me/messages").text
    done = client.post(
        "/me/messages/read", data={"csrf_token": csrf("/me/messages")}, follow_redirects=False
    )
    assert (done.status_code, done.headers["location"]) == (303, "/me/messages")
    page = client.get("/me/messages").text
    assert "未读 0 条" in page and "全部标为已读" not in page
    assert "消息均已读" in client.get("/me").text


def test_another_enterprises_message_cannot_be_opened(
    client: TestClient, engine: Engine, sign_in: SignIn
) -> None:
    (theirs,) = _messages(engine, 1, OTHER.uscc)
    sign_in("yinhui")
    assert client.get(f"/me/messages/{theirs}", follow_redirects=False).status_code == 404
    with session_scope(engine) as session:
        assert session.get_one(OutboxNotice, theirs).read_at is None


def test_staff_have_no_messages_page(client: TestClient, sign_in: SignIn) -> None:
    sign_in("wangfang")
    assert client.get("/me/messages").status_code == 403
