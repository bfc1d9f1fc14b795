"""The outbox's identity of a notice: an amount changed again under the same policy version is
told again, and a change enqueued twice is stored once."""

from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from matcher.notices.service import enqueue, notice_plan
from matcher.notices.tables import OutboxNotice
from tests.notices.factories import BEFORE, STARTUP, add_enterprises, add_run, eligible

DAYS = (BEFORE, date(2020, 9, 1), date(2020, 10, 1), date(2020, 11, 1))


def _enqueue(session: Session, as_of: date) -> int:
    plan = notice_plan(session)
    assert plan is not None
    return enqueue(session, plan)


def test_every_change_of_amount_under_one_version_is_told_once(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1)  # an e-mail address and a mobile number: three channels
        added = []
        for day, amount in zip(DAYS, ("5000", "6000", "5000", "6000"), strict=True):
            add_run(session, day, {(1, STARTUP): eligible(amount)}, [STARTUP])
            added.append((_enqueue(session, day), _enqueue(session, day)))
        told = session.execute(
            select(col(OutboxNotice.kind), col(OutboxNotice.amount))
            .where(col(OutboxNotice.channel) == "in_app")
            .order_by(col(OutboxNotice.id))
        ).all()
    assert added == [(3, 0)] * 4
    assert [(kind, str(amount)) for kind, amount in told] == [
        ("initial", "5000.00"),
        ("amount_changed", "6000.00"),
        ("amount_changed", "5000.00"),
        ("amount_changed", "6000.00"),
    ]
