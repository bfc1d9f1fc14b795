from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import settings
from matcher.db import session_scope
from matcher.errors import Conflict, DomainError, NotFound
from matcher.no_application.approval import SYSTEM_FILER, approve
from matcher.no_application.lists import propose, publish
from matcher.no_application.payee import confirm_payee
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import ListStatus, PayableEntry, PayableList
from matcher.notices.tables import OutboxNotice
from matcher.payouts import service
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.payee import Payee
from matcher.payouts.payee_seal import fingerprint
from matcher.payouts.tables import Claim, Decision, DecisionKind
from tests.no_application.conftest import CODES, STAFF, TODAY
from tests.no_application.policy_files import POLICY_ID

PAYEE = Payee("测试企业", "中国工商银行济源分行", "6222000011112222333")


def published(engine: Engine, notice_from: date | None = None) -> int:
    """A list of today, published ``notice_from`` (by default a week ago: its 公示 over)."""
    with session_scope(engine) as session:
        list_id = propose(session, POLICY_ID, TODAY, STAFF).id or 0
        publish(session, list_id, STAFF, notice_from or TODAY - timedelta(days=7))
    return list_id


def enterprise(uscc: str) -> Principal:
    return Principal(Role.ENTERPRISE, uscc, "企业", f"account:{uscc[-4:]}")


def entry_of(session: Session, list_id: int, uscc: str) -> PayableEntry:
    return next(e for e in PayableRepository(session).entries(list_id) if e.uscc == uscc)


def confirm_all(engine: Engine, list_id: int, codes: Sequence[str] = CODES) -> None:
    """Each of ``codes`` confirms its account for its entry of the list."""
    for code in codes:
        with session_scope(engine) as session:
            confirm_payee(
                session, entry_of(session, list_id, code).id or 0, PAYEE, enterprise(code)
            )


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_approval_during_the_public_notice_is_refused_and_changes_nothing(
    registry: Engine,
) -> None:
    list_id = published(registry, TODAY)
    confirm_all(registry, list_id)
    with session_scope(registry) as session, pytest.raises(DomainError) as refused:
        approve(session, list_id, STAFF, TODAY + timedelta(days=6))
    assert refused.value.code == "public_notice_running"
    assert refused.value.message == (
        f"公示期至 {TODAY + timedelta(days=6)} 结束，{TODAY + timedelta(days=7)} 起方可批准"
    )
    with session_scope(registry) as session:
        assert count(session, Claim) == count(session, Decision) == 0
        payable = session.get(PayableList, list_id)
        assert payable is not None and payable.status is ListStatus.PUBLIC_NOTICE
        assert all(e.claim_id is None for e in PayableRepository(session).entries(list_id))


def test_a_draft_is_not_approved(registry: Engine) -> None:
    with session_scope(registry) as session:
        list_id = propose(session, POLICY_ID, TODAY, STAFF).id or 0
    with session_scope(registry) as session, pytest.raises(Conflict) as refused:
        approve(session, list_id, STAFF, TODAY)
    assert refused.value.message == "名单尚未公示，不能批准"


def test_the_batch_pays_each_confirmed_entry_once_through_the_ledger(registry: Engine) -> None:
    list_id = published(registry)
    with session_scope(registry) as session:
        confirm_payee(session, entry_of(session, list_id, CODES[0]).id or 0, PAYEE, STAFF)
    with session_scope(registry) as session:
        result = approve(session, list_id, STAFF, TODAY)
        assert [e.uscc for e in result.approved] == [CODES[0]]
        assert [e.uscc for e in result.awaiting_payee] == [CODES[1]]
    with session_scope(registry) as session:
        entry = entry_of(session, list_id, CODES[0])
        claim = session.get(Claim, entry.claim_id)
        assert claim is not None and claim.filed_by == SYSTEM_FILER
        assert claim.payee_account_masked == "6222 **** **** 2333"
        [decision] = session.exec(select(Decision)).all()
        assert decision.kind is DecisionKind.APPROVE and decision.amount == Decimal("3000.00")
        assert decision.decided_by == STAFF.actor_id
        assert decision.snapshot["payee"] == fingerprint(PAYEE, settings().ledger_key)
        assert [entry["bucket"] for entry in decision.entries] == [f"enterprise.uscc={CODES[0]}"]
        notices = session.exec(select(OutboxNotice).where(OutboxNotice.claim_id == claim.id)).all()
        assert [n.kind for n in notices] == ["claim_approved"]
    confirm_all_but_paid(registry, list_id)
    for _ in range(2):  # approving again pays the one that confirmed since, and nobody twice
        with session_scope(registry) as session:
            approve(session, list_id, STAFF, TODAY)
    with session_scope(registry) as session:
        approved = session.exec(select(Decision.claim_id)).all()
        assert len(approved) == len(set(approved)) == 2
        # Each enterprise was told once of the list and once of its approval.
        kinds = session.exec(select(OutboxNotice.kind).order_by(OutboxNotice.id)).all()
        assert sorted(kinds) == ["claim_approved"] * 2 + ["no_application_listed"] * 2
        report = verify_ledger(session)
        assert report.intact, report.problems


def confirm_all_but_paid(engine: Engine, list_id: int) -> None:
    with session_scope(engine) as session:
        entry = entry_of(session, list_id, CODES[0])
        with pytest.raises(Conflict) as refused:
            confirm_payee(session, entry.id or 0, PAYEE, enterprise(CODES[0]))
        assert refused.value.message == "该笔资金已批准兑现，收款账户不能再更改"
    with session_scope(engine) as session:
        confirm_payee(
            session, entry_of(session, list_id, CODES[1]).id or 0, PAYEE, enterprise(CODES[1])
        )


def test_an_enterprise_confirms_only_its_own_entry(registry: Engine) -> None:
    list_id = published(registry)
    with session_scope(registry) as session, pytest.raises(NotFound):
        confirm_payee(
            session, entry_of(session, list_id, CODES[0]).id or 0, PAYEE, enterprise(CODES[1])
        )
    with session_scope(registry) as session:
        assert entry_of(session, list_id, CODES[0]).payee_sealed is None


def test_an_ordinary_claim_and_a_list_never_both_pay(registry: Engine) -> None:
    list_id = published(registry)
    confirm_all(registry, list_id)
    with session_scope(registry) as session:
        ordinary = service.file_claim(session, CODES[1], POLICY_ID, {}, None, STAFF, payee=PAYEE)
        ordinary_id = ordinary.id
    with session_scope(registry) as session:
        result = approve(session, list_id, STAFF, TODAY)
        assert [e.uscc for e in result.approved] == [CODES[0]]
        [excluded] = result.excluded
        assert excluded.excluded_reason == (
            f"已有兑现申请（第 {ordinary_id} 号，待审核），按该申请办理，不再免申即享"
        )
    # An ordinary claim of the enterprise the list paid finds the limit used.
    with session_scope(registry) as session:
        late = service.file_claim(session, CODES[0], POLICY_ID, {}, None, STAFF, payee=PAYEE)
        late_id = late.id or 0
    with session_scope(registry) as session, pytest.raises(DomainError) as refused:
        service.decide(session, late_id, DecisionKind.APPROVE, STAFF, Decimal("3000"))
    assert refused.value.code == "limit_reached"
    with session_scope(registry) as session:
        service.decide(session, ordinary_id or 0, DecisionKind.APPROVE, STAFF, Decimal("3000"))
    with session_scope(registry) as session:
        approvals = session.exec(
            select(Claim.uscc).join(Decision, Decision.claim_id == Claim.id)
        ).all()
        assert sorted(approvals) == sorted(CODES)
        assert verify_ledger(session).intact
