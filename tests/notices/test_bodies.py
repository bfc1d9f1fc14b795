"""Notices rendered by shape: each shape's texts are stored once, and every notice, named when
it is sent or shown, reads exactly as if it had been rendered on its own."""

from dataclasses import replace

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from matcher.enterprises.tables import enterprises
from matcher.notices.context import NoticeFacts, PublishedPolicies, notice_context
from matcher.notices.outbox import ClaimedNotice
from matcher.notices.render import Rendered, render
from matcher.notices.service import enqueue, notice_plan, render_pending
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


def _queue(engine: Engine) -> None:
    """Four enterprises, named as :data:`NAMES`, newly entitled to 开业补贴: two amounts."""
    with Session(engine) as session:
        ids = add_enterprises(session, len(NAMES))
        for enterprise_id, name in NAMES.items():
            session.execute(
                update(enterprises).where(enterprises.c.id == enterprise_id).values(name=name)
            )
        add_run(session, BEFORE, {}, [STARTUP])
        amounts = {i: eligible("5000" if i != 4 else "8000") for i in ids}
        add_run(session, AFTER, {(i, STARTUP): amounts[i] for i in ids}, [STARTUP])
        enqueue(session, notice_plan(session))
        render_pending(session, PAGE)
        session.commit()


def test_every_notice_reads_as_rendered_alone_and_each_shape_is_stored_once(
    published: Engine,
) -> None:
    _queue(published)
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
