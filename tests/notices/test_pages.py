"""What staff and the enterprise's page see: failures with their reason, in-app messages."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from matcher.notices.channels import InAppSender
from matcher.notices.pages import failed_notices, in_app_messages
from matcher.notices.service import enqueue, notice_plan, render_pending
from matcher.notices.tables import Channel
from matcher.notices.worker import RetryPolicy, deliver
from tests.notices.conftest import PAGE
from tests.notices.factories import (
    AFTER,
    BEFORE,
    STARTUP,
    add_enterprises,
    add_run,
    eligible,
    queue_news,
)


def test_in_app_messages_are_stored_for_the_enterprise_page(published: Engine) -> None:
    queue_news(published, 2, PAGE)
    senders = {Channel.IN_APP: InAppSender()}
    tally = deliver(published, senders, timedelta(seconds=60), RetryPolicy())
    assert tally.sent == 2
    with Session(published) as session:
        (message,) = in_app_messages(session, 1)
        assert in_app_messages(session, 3) == []
    assert message.title == "贵企业已符合《一次性开业补贴》申请条件"
    assert message.body.startswith("政策内容：一次性开业补贴5000元\n可获金额：5,000.00 元\n")
    assert message.policy_id == STARTUP


def test_a_notice_that_cannot_be_rendered_fails_with_its_reason(published: Engine) -> None:
    unpublished = "f" * 64
    with Session(published) as session:
        add_enterprises(session, 1)
        add_run(session, BEFORE, {}, [STARTUP])
        add_run(session, AFTER, {(1, STARTUP): eligible(version=unpublished)}, [STARTUP])
        plan = notice_plan(session, AFTER)
        assert plan is not None and enqueue(session, plan) == 3
        tally = render_pending(session, PAGE)
        assert (tally.rendered, tally.failed) == (0, 3)
        assert render_pending(session, PAGE).failed == 0  # given up once, not again
        shown = failed_notices(session)
    assert {n.channel for n in shown} == {"电子邮件", "短信", "站内消息"}
    assert {n.reason for n in shown} == {"政策版本 ffffffffffff 未发布，无法生成通知"}
    assert {(n.uscc, n.attempts) for n in shown} == {(shown[0].uscc, 0)}
