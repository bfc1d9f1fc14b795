"""Notices rendered by shape: each shape's texts are stored once, and every notice, named when
it is sent or shown, reads exactly as if it had been rendered on its own."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from matcher.enterprises.tables import enterprises
from matcher.notices.context import NoticeFacts, PublishedPolicies, notice_context
from matcher.notices.outbox import ClaimedNotice
from matcher.notices.render import Rendered, render
from matcher.notices.service import enqueue, enqueue_rendered, notice_plan, render_pending
from matcher.notices.sms_templates import sms_templates
from matcher.notices.tables import Channel, NoticeBody, NoticeKind, OutboxNotice
from matcher.notices.worker import RetryPolicy, deliver
from tests.notices.factories import (
    AFTER,
    BEFORE,
    STARTUP,
    add_enterprises,
    add_run,
    eligible,
    stored_texts,
    waiting,
)

PAGE = "https://hqzc.jiyuan.example/me"
NAMES = {
    1: "济源测试企业1有限公司",
    2: 'A&B <新材料> "济源" 有限公司',
    3: " 前后有空格的企业 ",  # rendered on its own: a filled stencil would keep the spaces
    4: "济源测试企业4有限公司",
}


def _rendered_alone(session: Session, notice: OutboxNotice, name: str) -> Rendered:
    """``notice`` rendered by itself, as notices were before shapes."""
    facts = NoticeFacts(
        Channel(notice.channel),
        NoticeKind(notice.kind),
        name,
        notice.policy_version,
        notice.amount,
        notice.apply_from,
    )
    policy = PublishedPolicies(session).get(notice.policy_version)
    assert policy is not None
    context = notice_context(facts, policy, PAGE)
    rendered = render(facts.channel, context)
    if facts.channel is Channel.SMS:
        rendered = replace(rendered, sms_template=sms_templates().message(context))
    return rendered


def _queue(engine: Engine, rendered_at_once: bool = True) -> None:
    """Four enterprises, named as :data:`NAMES`, newly entitled to 开业补贴 (8,000 yuan for
    the fourth, 5,000 for the others), enqueued and rendered: the notices of a shape several
    share as they are enqueued (``rendered_at_once``), the rest afterwards."""
    with Session(engine) as session:
        ids = add_enterprises(session, len(NAMES))
        for enterprise_id, name in NAMES.items():
            session.execute(
                update(enterprises).where(enterprises.c.id == enterprise_id).values(name=name)
            )
        add_run(session, BEFORE, {}, [STARTUP])
        amounts = {i: eligible("5000" if i != 4 else "8000") for i in ids}
        add_run(session, AFTER, {(i, STARTUP): amounts[i] for i in ids}, [STARTUP])
        plan = notice_plan(session)
        if rendered_at_once:
            assert enqueue_rendered(session, plan, PAGE) == 12
            unrendered = session.exec(
                select(OutboxNotice.enterprise_id).where(
                    col(OutboxNotice.next_attempt_at).is_(None)
                )
            ).all()
            assert sorted(unrendered) == [3, 3, 3, 4, 4, 4], "a spaced name; a shape of one"
        else:
            assert enqueue(session, plan) == 12
        render_pending(session, PAGE)
        session.commit()


@pytest.mark.parametrize("rendered_at_once", [True, False], ids=["at-once", "afterwards"])
def test_every_notice_reads_as_rendered_alone_and_each_shape_is_stored_once(
    published: Engine, rendered_at_once: bool
) -> None:
    _queue(published, rendered_at_once)
    with Session(published) as session:
        notices = session.exec(select(OutboxNotice).order_by(col(OutboxNotice.id))).all()
        assert len(notices) == 12, "in-app, e-mail and SMS to each of four enterprises"
        for notice in notices:
            name = NAMES[notice.enterprise_id]
            assert stored_texts(session, notice) == _rendered_alone(session, notice, name)
            assert notice.next_attempt_at is not None, "rendered notices are due"
            # only the spaced name is rendered on its own, into the row
            assert (notice.body_id is None) == (notice.enterprise_id == 3)
            assert (notice.body_text is None) == (notice.enterprise_id != 3)
        shapes = {(n.channel, n.amount) for n in notices if n.body_id is not None}
        assert len(shapes) == 6, "three channels, two amounts"
        assert session.exec(select(func.count()).select_from(NoticeBody)).one() == 6


def test_a_shape_rendered_again_reuses_its_body(published: Engine) -> None:
    """A shape's texts are stored once, whichever run renders its notices."""
    _queue(published)
    with Session(published) as session:
        before = {n.id: n.body_id for n in session.exec(select(OutboxNotice)).all()}
        session.execute(
            update(OutboxNotice)
            .where(col(OutboxNotice.body_id).is_not(None))
            .values(body_id=None, next_attempt_at=None)
        )
        assert render_pending(session, PAGE).rendered == 9, "all but the spaced name's"
        session.commit()
        after = {n.id: n.body_id for n in session.exec(select(OutboxNotice)).all()}
        assert after == before
        assert session.exec(select(func.count()).select_from(NoticeBody)).one() == 6


def test_a_notice_sent_after_a_rename_names_the_enterprise_as_it_is_named_then(
    published: Engine,
) -> None:
    _queue(published)
    with Session(published) as session:
        session.execute(
            update(enterprises).where(enterprises.c.id == 1).values(name="济源改名后有限公司")
        )
        session.commit()
    sent: list[ClaimedNotice] = []

    class Recording:
        def send(self, notice: ClaimedNotice) -> None:
            sent.append(notice)

        def close(self) -> None:
            return None

    deliver(published, {Channel.EMAIL: Recording()}, RetryPolicy().base, RetryPolicy())
    first = min(sent, key=lambda notice: notice.id)  # numbered enterprise by enterprise
    assert len(sent) == 4 and first.body_text.startswith("济源改名后有限公司：")
    assert first.subject is not None and "济源改名后有限公司" in first.subject
    assert not any("济源测试企业1有限公司" in notice.body_text for notice in sent)


def test_an_amount_is_part_of_a_shape(published: Engine) -> None:
    """Two enterprises told different amounts get different bodies, each with its amount."""
    _queue(published)
    with Session(published) as session:
        email = {
            n.enterprise_id: stored_texts(session, n).text
            for n in session.exec(
                select(OutboxNotice).where(OutboxNotice.channel == Channel.EMAIL)
            ).all()
        }
    assert "5,000.00" in email[1] and "8,000.00" in email[4]
    assert "8,000.00" not in email[1]


def test_a_date_reached_is_part_of_its_shape(published: Engine) -> None:
    """Notices telling of a "可于 … 起申请" date reached are written rendered, each naming
    its date as if rendered alone."""
    reached = date(2020, 9, 1)
    with Session(published) as session:
        ids = add_enterprises(session, 3)
        add_run(session, BEFORE, {(i, STARTUP): waiting(reached) for i in ids}, [STARTUP])
        add_run(session, AFTER, {(i, STARTUP): eligible() for i in ids}, [STARTUP])
        assert enqueue_rendered(session, notice_plan(session), PAGE) == 9
        notices = session.exec(select(OutboxNotice)).all()
        assert {(n.kind, n.apply_from) for n in notices} == {(NoticeKind.DATE_REACHED, reached)}
        for notice in notices:
            assert notice.body_id is not None and notice.next_attempt_at is not None
            name = f"济源测试企业{notice.enterprise_id}有限公司"
            assert stored_texts(session, notice) == _rendered_alone(session, notice, name)
        assert session.exec(select(func.count()).select_from(NoticeBody)).one() == 3
