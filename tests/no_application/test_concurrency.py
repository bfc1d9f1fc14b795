"""A batch approval and ordinary claims of the same enterprises, decided at the same moment on
PostgreSQL: nobody is paid twice, and the chain verifies."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from stdnum.cn import uscc

from matcher.db import session_scope
from matcher.errors import DomainError
from matcher.no_application.approval import approve
from matcher.payouts import service
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.repository import standing_approvals
from matcher.payouts.tables import Claim, Decision, DecisionKind
from tests.no_application.conftest import CODES, STAFF, TODAY, Save
from tests.no_application.policy_files import POLICY_ID
from tests.no_application.test_approval import PAYEE, confirm_all, published

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

MORE = [
    code + uscc.calc_check_digit(code + "0")
    for code in (f"91419001MA40002{n:02d}" for n in range(4))
]
"""Four more enterprises of 济源, on record from the registry like :data:`CODES`."""


def _ordinary(engine: Engine, uscc: str, start: threading.Barrier, refused: list[str]) -> None:
    """File an ordinary claim for ``uscc`` and approve it, as the batch runs."""
    start.wait()
    with session_scope(engine) as session:
        claim = service.file_claim(session, uscc, POLICY_ID, {}, None, STAFF, payee=PAYEE)
        claim_id = claim.id or 0
    try:
        with session_scope(engine) as session:
            service.decide(session, claim_id, DecisionKind.APPROVE, STAFF, Decimal("3000"))
    except DomainError as error:
        refused.append(error.code)


def _batch(engine: Engine, list_id: int, start: threading.Barrier, paid: list[str]) -> None:
    """Approve the list, as the ordinary claims are decided; ``paid`` gets whom it paid."""
    start.wait()
    with session_scope(engine) as session:
        paid.extend(entry.uscc for entry in approve(session, list_id, STAFF, TODAY).approved)


@pytest.mark.parametrize("attempt", range(3))
def test_a_batch_and_ordinary_claims_at_once_never_pay_twice(
    registry: Engine, save: Save, attempt: int
) -> None:
    codes = [*CODES, *MORE]
    for code in MORE:
        save(code)
    list_id = published(registry)
    confirm_all(registry, list_id, codes)
    refused: list[str] = []
    by_list: list[str] = []
    start = threading.Barrier(len(codes) + 1)
    threads = [threading.Thread(target=_batch, args=(registry, list_id, start, by_list))]
    threads += [
        threading.Thread(target=_ordinary, args=(registry, code, start, refused)) for code in codes
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with session_scope(registry) as session:
        paid = session.exec(
            select(Claim.uscc)
            .join(Decision, Decision.claim_id == Claim.id)
            .where(standing_approvals())
        ).all()
        assert Counter(paid) == Counter(codes), "each enterprise paid exactly once"
        assert set(refused) <= {"limit_reached"}
        # Every enterprise the list paid saw its ordinary claim refused, and only those.
        assert len(by_list) == len(refused)
        report = verify_ledger(session)
        assert report.intact, report.problems


def test_the_same_list_approved_twice_at_once_pays_each_entry_once(registry: Engine) -> None:
    list_id = published(registry)
    confirm_all(registry, list_id)
    start = threading.Barrier(3)
    by_list: list[str] = []
    threads = [
        threading.Thread(target=_batch, args=(registry, list_id, start, by_list)) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with session_scope(registry) as session:
        paid = session.exec(select(Claim.uscc).join(Decision, Decision.claim_id == Claim.id)).all()
        assert sorted(paid) == sorted(by_list) == sorted(CODES)
        assert verify_ledger(session).intact
