"""What staff see: failures with their reason. (In-app messages: test_inbox.)"""

from sqlalchemy import Engine
from sqlmodel import Session

from matcher.notices.pages import failed_notices
from matcher.notices.service import enqueue, notice_plan, render_pending
from tests.notices.conftest import PAGE
from tests.notices.factories import (
    AFTER,
    BEFORE,
    STARTUP,
    add_enterprises,
    add_run,
    eligible,
)


def test_a_notice_that_cannot_be_rendered_fails_with_its_reason(published: Engine) -> None:
    unpublished = "f" * 64
    with Session(published) as session:
        add_enterprises(session, 1)
        add_run(session, BEFORE, {}, [STARTUP])
        add_run(session, AFTER, {(1, STARTUP): eligible(version=unpublished)}, [STARTUP])
        plan = notice_plan(session)
        assert plan is not None and enqueue(session, plan) == 3
        tally = render_pending(session, PAGE)
        assert (tally.rendered, tally.failed) == (0, 3)
        assert render_pending(session, PAGE).failed == 0  # given up once, not again
        shown = failed_notices(session)
    assert {n.channel for n in shown} == {"电子邮件", "短信", "站内消息"}
    assert {n.reason for n in shown} == {"政策版本 ffffffffffff 未发布，无法生成通知"}
    assert {(n.uscc, n.attempts) for n in shown} == {(shown[0].uscc, 0)}
