"""Enterprises, contacts and match runs written straight to the tables, for the notice tests."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, insert
from sqlmodel import Session
from stdnum.cn import uscc as uscc_code

from matcher import clock
from matcher.eligibility.results import Status
from matcher.enterprises.tables import enterprises
from matcher.notices.bodies import BodyRepository
from matcher.notices.contacts import Actor, ContactBook
from matcher.notices.render import Rendered
from matcher.notices.service import enqueue, notice_plan, render_pending
from matcher.notices.tables import (
    Channel,
    ContactOrigin,
    NoticeContact,
    NoticeTopic,
    OutboxNotice,
)
from matcher.policies.catalog import default_catalog
from matcher.population.state import reconcile
from matcher.population.tables import EntitlementSnapshot, MatchRun, MatchRunPolicy
from matcher.population.verdict import STATUS_CODES

STARTUP = "startup-subsidy"
RND = "rnd-super-deduction"
GREEN = "credit-green-channel"
LOAN = "inclusive-small-micro-loan"
BEFORE, AFTER = date(2020, 8, 1), date(2020, 10, 1)


def uscc(serial: int) -> str:
    body = f"91419001MA{serial:07d}"
    return body + uscc_code.calc_check_digit(body)


def version(policy_id: str) -> str:
    compiled = default_catalog().get(policy_id)
    assert compiled is not None
    return compiled.version


@dataclass(frozen=True)
class Snap:
    status: str
    amount: Decimal | None = None
    eligible_from: date | None = None
    version: str | None = None
    """The policy version (one per run and policy); the catalog's when not given."""


def eligible(amount: str | None = "5000", version: str | None = None) -> Snap:
    return Snap("eligible", None if amount is None else Decimal(amount), version=version)


def waiting(day: date, amount: str = "5000") -> Snap:
    return Snap("not_eligible", Decimal(amount), day)


UNDETERMINED = Snap("undetermined")


def add_enterprises(
    session: Session, count: int, contacts: bool = True, first: int = 1
) -> list[int]:
    """Enterprises first…count, each with an e-mail address and a mobile number unless told."""
    ids = list(range(first, count + 1))
    rows = [{"id": i, "uscc": uscc(i), "name": f"济源测试企业{i}有限公司"} for i in ids]
    session.execute(insert(enterprises), rows)
    if contacts:
        for i in ids:
            add_contact(session, i, Channel.EMAIL, f"ent{i}@example.com")
            add_contact(session, i, Channel.SMS, f"139{i:08d}")
    session.flush()
    return ids


STAFF = Actor("工作人员", ContactOrigin.STAFF)


def add_contact(
    session: Session, enterprise_id: int, channel: Channel, address: str, confirmed: bool = True
) -> NoticeContact:
    """A contact of the enterprise wanting every topic, confirmed unless told."""
    book = ContactBook(session, enterprise_id)
    contact = book.add(channel, address, frozenset(NoticeTopic), STAFF)
    if confirmed:
        book.mark_confirmed(contact, STAFF)
    return contact


def add_run(
    session: Session,
    as_of: date,
    rows: Mapping[tuple[int, str], Snap],
    policies: Sequence[str],
    finished: bool = True,
) -> int:
    """A match run of ``policies`` that found ``rows`` ((enterprise, policy) → snapshot)."""
    run = MatchRun(
        as_of=as_of,
        enterprises=len({e for e, _ in rows}),
        finished_at=clock.now() if finished else None,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    matched = list(policies) + sorted({q for _, q in rows} - set(policies))
    numbers = {policy_id: number for number, policy_id in enumerate(matched, start=1)}
    for policy_id, number in numbers.items():
        versions = {s.version for (_, q), s in rows.items() if q == policy_id and s.version}
        assert len(versions) <= 1, "one version per run and policy"
        session.add(
            MatchRunPolicy(
                run_id=run.id,
                policy_no=number,
                policy_id=policy_id,
                policy_version=versions.pop() if versions else version(policy_id),
                eligible=sum(
                    1 for (_, q), s in rows.items() if q == policy_id and s.status == "eligible"
                ),
            )
        )
    for (enterprise_id, policy_id), snap in rows.items():
        session.add(
            EntitlementSnapshot(
                run_id=run.id,
                policy_no=numbers[policy_id],
                enterprise_id=enterprise_id,
                status=STATUS_CODES[Status(snap.status)],
                amount=snap.amount,
                eligible_from=snap.eligible_from,
            )
        )
    session.flush()
    if finished:
        reconcile(session, run)
    return run.id


def news_for_all(session: Session, count: int) -> list[int]:
    """``count`` enterprises with contacts, each newly entitled to the startup subsidy."""
    ids = add_enterprises(session, count)
    add_run(session, BEFORE, {}, [STARTUP])
    add_run(session, AFTER, {(i, STARTUP): eligible() for i in ids}, [STARTUP])
    return ids


def queue_news(engine: Engine, count: int, page_url: str) -> int:
    """:func:`news_for_all`, enqueued and rendered: three notices per enterprise."""
    with Session(engine) as session:
        news_for_all(session, count)
        plan = notice_plan(session)
        assert plan is not None
        added = enqueue(session, plan)
        render_pending(session, page_url)
        session.commit()
        return added


def stored_texts(session: Session, notice: OutboxNotice) -> Rendered:
    """The texts an outbox row sends or shows: its shape's with its enterprise's name put in,
    or its own."""
    return BodyRepository(session).texts([notice])[0]
