"""Contacts and opt-outs, and how enqueueing honours them."""

import threading

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from matcher.notices.contacts import ContactDetails, ContactRepository
from matcher.notices.service import enqueue, notice_plan
from matcher.notices.tables import Channel, OutboxNotice
from tests.notices.factories import (
    AFTER,
    BEFORE,
    STARTUP,
    add_enterprises,
    add_run,
    eligible,
    version,
)


def test_contact_details_are_normalised() -> None:
    details = ContactDetails(email=" Finance@Example.COM ", mobile="+86 138-0013-8000")
    assert (details.email, details.mobile) == ("Finance@example.com", "13800138000")
    assert ContactDetails(email="", mobile=" ") == ContactDetails()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not an address", "电子邮件地址格式不正确"),
        ("mobile", "1380013800", "手机号码应为 11 位中国大陆手机号"),
        ("mobile", "23800138000", "手机号码应为 11 位中国大陆手机号"),
    ],
)
def test_bad_contact_details_are_refused(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ContactDetails.model_validate({field: value})


def test_contacts_and_opt_outs_round_trip(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        repository = ContactRepository(session)
        assert repository.contact(1) is None
        repository.set_contact(1, ContactDetails(email="a@example.com"))
        repository.set_contact(1, ContactDetails(mobile="13800138000"))
        contact = repository.contact(1)
        assert contact is not None and (contact.email, contact.mobile) == (None, "13800138000")
        repository.opt_out(1, Channel.SMS)
        repository.opt_out(1, Channel.SMS)
        repository.opt_out(1, Channel.EMAIL)
        assert repository.opt_outs(1) == {Channel.SMS, Channel.EMAIL}
        repository.opt_in(1, Channel.EMAIL)
        assert repository.opt_outs(1) == {Channel.SMS}
        session.commit()


def _queued(session: Session) -> set[tuple[int, str, str | None]]:
    rows = session.execute(
        select(
            col(OutboxNotice.enterprise_id), col(OutboxNotice.channel), col(OutboxNotice.address)
        )
    )
    return {(e, c, a) for e, c, a in rows}


def test_enqueueing_honours_contacts_and_opt_outs_and_never_duplicates(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 4, contacts=False)
        contacts = ContactRepository(session)
        both = ContactDetails(email="ent1@example.com", mobile="13900000001")
        contacts.set_contact(1, both)  # everything
        contacts.set_contact(2, both)
        contacts.opt_out(2, Channel.SMS)  # no SMS
        contacts.set_contact(3, ContactDetails(email="ent3@example.com"))
        contacts.opt_out(3, Channel.IN_APP)  # e-mail only
        # 4 has no contact details: in-app only
        add_run(session, BEFORE, {}, [STARTUP])
        add_run(session, AFTER, {(i, STARTUP): eligible() for i in range(1, 5)}, [STARTUP])
        plan = notice_plan(session, AFTER)
        assert plan is not None and (plan.changed, plan.notices) == (4, 7)
        assert enqueue(session, plan) == 7
        assert _queued(session) == {
            (1, "email", "ent1@example.com"),
            (1, "sms", "13900000001"),
            (1, "in_app", None),
            (2, "email", "ent1@example.com"),
            (2, "in_app", None),
            (3, "email", "ent3@example.com"),
            (4, "in_app", None),
        }
        session.commit()

        again = notice_plan(session, AFTER)
        assert again is not None and (again.changed, again.notices) == (4, 0)
        assert enqueue(session, again) == 0
        keys = set(session.execute(select(col(OutboxNotice.idempotency_key))).scalars())
        assert f"1.{version(STARTUP)}.entitled.email" in keys


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
        plan = notice_plan(first, AFTER)
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
