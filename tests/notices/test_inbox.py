"""An enterprise's in-app messages: delivered ones only, newest first, read and unread, each
linking to its policy; opening one marks it read, and so does 全部标为已读."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from matcher.errors import NotFound
from matcher.notices.channels import InAppSender
from matcher.notices.inbox import inbox, mark_all_read, open_message
from matcher.notices.tables import Channel
from matcher.notices.worker import RetryPolicy, deliver
from tests.notices.conftest import PAGE
from tests.notices.factories import STARTUP, queue_news


def _delivered(engine: Engine, enterprises: int) -> None:
    queue_news(engine, enterprises, PAGE)
    senders = {Channel.IN_APP: InAppSender()}
    assert deliver(engine, senders, timedelta(seconds=60), RetryPolicy()).sent == enterprises


def test_messages_are_delivered_ones_linking_to_their_policy(published: Engine) -> None:
    with Session(published) as session:
        assert inbox(session, 1, 10).total == 0  # enqueued, not delivered yet: nothing shown
    _delivered(published, 2)
    with Session(published) as session:
        page = inbox(session, 1, 10)
        assert (page.total, page.unread) == (1, 1)
        assert inbox(session, 3, 10).messages == []
    (message,) = page.messages
    assert message.title == "贵企业已符合《一次性开业补贴》申请条件"
    assert message.body.startswith("政策内容：一次性开业补贴5000元\n可获金额：5,000.00 元\n")
    assert (message.policy_id, message.claim_id) == (STARTUP, None)
    assert message.link == f"/policies/{STARTUP}"
    assert message.read_at is None


def test_opening_a_message_marks_it_read_once(published: Engine) -> None:
    _delivered(published, 1)
    with Session(published) as session:
        (message,) = inbox(session, 1, 10).messages
        opened = open_message(session, 1, message.id)
        assert opened.read_at is not None
        assert open_message(session, 1, message.id).read_at == opened.read_at
        page = inbox(session, 1, 10)
    assert (page.total, page.unread) == (1, 0)


def test_another_enterprises_message_is_not_found_and_stays_unread(published: Engine) -> None:
    _delivered(published, 2)
    with Session(published) as session:
        (theirs,) = inbox(session, 2, 10).messages
        with pytest.raises(NotFound) as refused:
            open_message(session, 1, theirs.id)
        assert refused.value.message == "消息不存在"
        assert inbox(session, 2, 10).unread == 1


def test_mark_all_read_marks_only_the_enterprises_own(published: Engine) -> None:
    _delivered(published, 2)
    with Session(published) as session:
        assert mark_all_read(session, 1) == 1
        assert mark_all_read(session, 1) == 0
        assert (inbox(session, 1, 10).unread, inbox(session, 2, 10).unread) == (0, 1)
