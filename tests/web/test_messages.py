"""From a population run to the enterprise's page: a waiting period ends, the next run finds
the enterprise entitled, and the in-app notice appears on 企业专属主页. Failed notices are
listed for staff."""

from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.db import session_scope
from matcher.notices.channels import InAppSender
from matcher.notices.service import enqueue, notice_plan, render_pending
from matcher.notices.tables import Channel
from matcher.notices.worker import RetryPolicy, deliver
from matcher.policies.catalog import Catalog
from matcher.policies.versions import publish
from matcher.population.service import match_population

SignIn = Callable[[str], None]
WAITING, ENTITLED = date(2020, 8, 1), date(2020, 10, 1)  # the demo's first year ends 2020-09-16


def _runs_and_notices(engine: Engine, catalog: Catalog) -> None:
    with session_scope(engine) as session:
        publish(session, catalog, ENTITLED)
    startup = [catalog.get("startup-subsidy")]
    match_population(engine, [p for p in startup if p is not None], WAITING)
    match_population(engine, [p for p in startup if p is not None], ENTITLED)
    with session_scope(engine) as session:
        plan = notice_plan(session, ENTITLED)
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
