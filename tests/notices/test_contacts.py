"""Contacts and their consent, and how enqueueing honours them."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from matcher import clock
from matcher.errors import Conflict, DomainError
from matcher.notices.contacts import (
    MAX_CODE_FAILURES,
    Actor,
    ContactBook,
    confirm_link,
    secret_hash,
    unsubscribe_mobile,
)
from matcher.notices.service import enqueue, notice_plan
from matcher.notices.tables import (
    Channel,
    ContactOrigin,
    NoticeContact,
    NoticeContactEvent,
    NoticeTopic,
    OptOutVia,
    OutboxNotice,
)
from tests.notices.factories import (
    AFTER,
    BEFORE,
    STAFF,
    STARTUP,
    add_contact,
    add_enterprises,
    add_run,
    eligible,
    version,
)

SELF = Actor("银辉新材料", ContactOrigin.SELF)
INTERVAL = timedelta(seconds=60)


def _contacts(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(NoticeContact)).scalar_one())


def _events(session: Session, contact_id: int) -> list[tuple[str, str | None, str]]:
    rows = session.execute(
        select(
            col(NoticeContactEvent.action),
            col(NoticeContactEvent.detail),
            col(NoticeContactEvent.actor),
        )
        .where(col(NoticeContactEvent.contact_id) == contact_id)
        .order_by(col(NoticeContactEvent.id))
    )
    return [(a, d, who) for a, d, who in rows]


def test_a_contact_is_stored_normalised_and_unconfirmed_with_who_added_it(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        book = ContactBook(session, 1)
        contact = book.add(Channel.SMS, "+86 139-0000-0001", {NoticeTopic.CLAIMS}, STAFF)
        assert (contact.address, contact.confirmed_at, contact.origin) == (
            "+8613900000001",
            None,
            "staff",
        )
        assert (contact.wants_entitlements, contact.wants_claims, contact.added_by) == (
            False,
            True,
            "工作人员",
        )
        assert contact.id is not None
        assert _events(session, contact.id) == [("added", "claims", "工作人员")]


@pytest.mark.parametrize(
    ("channel", "address", "code"),
    [
        (Channel.SMS, "1380013800", "invalid_mobile"),
        (Channel.SMS, "0391-6633333", "not_a_mobile"),
        (Channel.EMAIL, "finance@", "invalid_email"),
    ],
)
def test_a_bad_address_is_refused_and_nothing_stored(
    engine: Engine, channel: Channel, address: str, code: str
) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        with pytest.raises(DomainError) as refused:
            ContactBook(session, 1).add(channel, address, set(NoticeTopic), SELF)
        assert refused.value.code == code
        assert _contacts(session) == 0


def test_the_same_address_twice_is_a_conflict(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 2, contacts=False)
        ContactBook(session, 1).add(Channel.SMS, "13900000001", set(NoticeTopic), SELF)
        with pytest.raises(Conflict, match="13900000001 已在联系方式中"):
            ContactBook(session, 1).add(Channel.SMS, "+8613900000001", set(NoticeTopic), SELF)
        ContactBook(session, 2).add(Channel.SMS, "13900000001", set(NoticeTopic), SELF)  # another
        assert _contacts(session) == 2


def _pending_code(session: Session, book: ContactBook, contact: NoticeContact) -> str:
    book.check_may_send(contact, INTERVAL)
    book.store_secret(contact, "123456", SELF)
    return "123456"


def test_a_mobile_is_confirmed_by_its_code_and_not_by_a_wrong_one(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        book = ContactBook(session, 1)
        contact = book.add(Channel.SMS, "13900000001", set(NoticeTopic), SELF)
        code = _pending_code(session, book, contact)
        assert contact.secret_hash == secret_hash(code)
        assert book.confirm_code(contact, "654321", SELF) is False
        assert (contact.confirmed_at, contact.secret_failures) == (None, 1)
        assert book.confirm_code(contact, f" {code} ", SELF) is True
        assert contact.confirmed_at is not None and contact.secret_hash is None
        assert contact.id is not None
        assert [a for a, _, _ in _events(session, contact.id)] == [
            "added",
            "confirmation_sent",
            "confirmed",
        ]


def test_a_code_is_spent_after_too_many_wrong_tries(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        book = ContactBook(session, 1)
        contact = book.add(Channel.SMS, "13900000001", set(NoticeTopic), SELF)
        code = _pending_code(session, book, contact)
        for _ in range(MAX_CODE_FAILURES):
            assert book.confirm_code(contact, "000000", SELF) is False
        with pytest.raises(DomainError) as refused:
            book.confirm_code(contact, code, SELF)
        assert refused.value.code == "no_confirmation_pending"
        assert contact.confirmed_at is None


def test_an_expired_code_or_link_confirms_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        book = ContactBook(session, 1)
        mobile = book.add(Channel.SMS, "13900000001", set(NoticeTopic), SELF)
        email = book.add(Channel.EMAIL, "ent1@example.com", set(NoticeTopic), SELF)
        code = _pending_code(session, book, mobile)
        book.store_secret(email, "link-secret", SELF)
        later = clock.now() + timedelta(minutes=11)
        monkeypatch.setattr(clock, "now", lambda: later)
        with pytest.raises(DomainError, match="确认信息已过期，请重新发送"):
            book.confirm_code(mobile, code, SELF)
        assert confirm_link(session, "link-secret").confirmed_at is not None  # 24 hours
        assert mobile.confirmed_at is None


def test_an_email_link_confirms_only_with_its_current_secret(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        book = ContactBook(session, 1)
        email = book.add(Channel.EMAIL, "ent1@example.com", set(NoticeTopic), SELF)
        book.store_secret(email, "first", SELF)
        book.store_secret(email, "second", SELF)
        with pytest.raises(DomainError, match="确认链接不存在"):
            confirm_link(session, "first")
        assert email.confirmed_at is None
        assert confirm_link(session, "second").id == email.id
        assert email.confirmed_at is not None


def test_confirmations_are_rate_limited_and_not_sent_to_a_confirmed_contact(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        book = ContactBook(session, 1)
        contact = book.add(Channel.SMS, "13900000001", set(NoticeTopic), SELF)
        _pending_code(session, book, contact)
        with pytest.raises(DomainError, match="确认信息发送过于频繁，请 60 秒后再试"):
            book.check_may_send(contact, INTERVAL)
        later = clock.now() + INTERVAL
        monkeypatch.setattr(clock, "now", lambda: later)
        book.check_may_send(contact, INTERVAL)
        book.mark_confirmed(contact, SELF)
        with pytest.raises(Conflict, match="该联系方式已确认"):
            book.check_may_send(contact, INTERVAL)


def test_a_corrected_address_must_be_confirmed_again(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        contact = add_contact(session, 1, Channel.EMAIL, "old@example.com")
        book = ContactBook(session, 1)
        book.change(contact, STAFF, address="New@Example.com")
        assert (contact.address, contact.confirmed_at) == ("New@example.com", None)
        assert contact.id is not None
        assert _events(session, contact.id)[-1] == (
            "corrected",
            "原为 old@example.com",
            "工作人员",
        )


def test_only_the_enterprise_itself_opts_back_in(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        contact = add_contact(session, 1, Channel.EMAIL, "ent1@example.com")
        book = ContactBook(session, 1)
        book.change(contact, STAFF, subscribed=False)
        assert (contact.unsubscribed_at is not None, contact.unsubscribed_via) == (True, "staff")
        with pytest.raises(DomainError, match="恢复接收通知须由企业本人操作"):
            book.change(contact, STAFF, subscribed=True)
        book.change(contact, SELF, subscribed=True)
        assert contact.unsubscribed_at is None


def test_a_td_reply_opts_out_every_contact_with_that_mobile(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 3, contacts=False)
        first = add_contact(session, 1, Channel.SMS, "13900000001")
        second = add_contact(session, 2, Channel.SMS, "13900000001")
        other = add_contact(session, 3, Channel.SMS, "13900000003")
        assert unsubscribe_mobile(session, "+8613900000001", OptOutVia.TD) == 2
        assert unsubscribe_mobile(session, "+8613900000001", OptOutVia.TD) == 0  # once
        assert [c.unsubscribed_via for c in (first, second, other)] == ["td", "td", None]
        assert first.id is not None
        assert _events(session, first.id)[-1] == ("unsubscribed", "td", "短信回复（13900000001）")


def _queued(session: Session) -> set[tuple[int, str, str | None]]:
    rows = session.execute(
        select(
            col(OutboxNotice.enterprise_id), col(OutboxNotice.channel), col(OutboxNotice.address)
        )
    )
    return {(e, c, a) for e, c, a in rows}


def test_enqueueing_sends_only_to_confirmed_subscribed_contacts_that_want_it(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        add_enterprises(session, 4, contacts=False)
        add_contact(session, 1, Channel.EMAIL, "ent1@example.com")
        add_contact(session, 1, Channel.EMAIL, "boss1@example.com")  # two on one channel
        add_contact(session, 1, Channel.SMS, "13900000001")
        add_contact(session, 2, Channel.EMAIL, "ent2@example.com", confirmed=False)
        gone = add_contact(session, 2, Channel.SMS, "13900000002")
        ContactBook(session, 2).unsubscribe(gone, OptOutVia.LINK, SELF)
        claims_only = add_contact(session, 3, Channel.EMAIL, "ent3@example.com")
        ContactBook(session, 3).change(claims_only, SELF, topics={NoticeTopic.CLAIMS})
        # 4 has no contact: in-app only
        add_run(session, BEFORE, {}, [STARTUP])
        add_run(session, AFTER, {(i, STARTUP): eligible() for i in range(1, 5)}, [STARTUP])
        plan = notice_plan(session)
        assert plan is not None and (plan.changed, plan.notices) == (4, 7)
        assert enqueue(session, plan) == 7
        assert _queued(session) == {
            (1, "email", "ent1@example.com"),
            (1, "email", "boss1@example.com"),
            (1, "sms", "+8613900000001"),
            (1, "in_app", None),
            (2, "in_app", None),
            (3, "in_app", None),
            (4, "in_app", None),
        }
        session.commit()

        again = notice_plan(session)  # told already: nothing more to enqueue
        assert (again.changed, again.notices) == (0, 0)
        assert enqueue(session, again) == 0
        rows = session.execute(select(col(OutboxNotice.idempotency_key), OutboxNotice.contact_id))
        keys = {key: contact for key, contact in rows}
        first_email = session.execute(
            select(col(NoticeContact.id)).where(col(NoticeContact.address) == "ent1@example.com")
        ).scalar_one()
        assert keys[f"1.{version(STARTUP)}.entitled.email.c{first_email}"] == first_email
        assert keys[f"1.{version(STARTUP)}.entitled.in_app"] is None


def test_opting_out_drops_the_messages_still_waiting_for_the_contact(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        leaving = add_contact(session, 1, Channel.EMAIL, "ent1@example.com")
        add_contact(session, 1, Channel.SMS, "13900000001")
        add_run(session, BEFORE, {}, [STARTUP])
        add_run(session, AFTER, {(1, STARTUP): eligible()}, [STARTUP])
        plan = notice_plan(session)
        assert plan is not None and enqueue(session, plan) == 3
        ContactBook(session, 1).unsubscribe(leaving, OptOutVia.LINK, SELF)
        rows = session.execute(
            select(col(OutboxNotice.channel), col(OutboxNotice.status), OutboxNotice.last_error)
        )
        assert {(c, s, e) for c, s, e in rows} == {
            ("email", "dropped", "联系人已退订（邮件退订链接）"),
            ("sms", "pending", None),
            ("in_app", "pending", None),
        }


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_enqueues_add_each_notice_once(engine: Engine) -> None:
    """The second run waits on the unique key the first is inserting, then skips it."""
    with Session(engine) as session:
        add_enterprises(session, 30)
        add_run(session, BEFORE, {}, [STARTUP])
        add_run(session, AFTER, {(i, STARTUP): eligible() for i in range(1, 31)}, [STARTUP])
        session.commit()
    added: list[int] = []
    with Session(engine) as first:
        plan = notice_plan(first)
        assert plan is not None
        added.append(enqueue(first, plan))

        def second() -> None:
            with Session(engine) as session:
                added.append(enqueue(session, plan))
                session.commit()

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # blocked on the rows the first has not committed yet
        first.commit()
    thread.join(timeout=10)
    assert added == [90, 0]
