import pytest
from sqlalchemy import Engine

from matcher.config import settings
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import NotFound
from matcher.no_application.payee import reuse_claim_payee
from matcher.payouts.payee_seal import store_payee, unseal
from matcher.payouts.tables import Claim
from tests.no_application.conftest import CODES, STAFF, TODAY
from tests.no_application.test_approval import PAYEE, enterprise, entry_of, published


def _earlier_claim(engine: Engine, uscc: str) -> int:
    """A claim of ``uscc`` under another policy, filed with :data:`PAYEE`."""
    with session_scope(engine) as session:
        row = EnterpriseRepository(session).row(uscc)
        assert row is not None
        claim = Claim(
            enterprise_id=row["id"],
            uscc=uscc,
            policy_id="startup-subsidy",
            claim_date=TODAY,
            facts={},
            filed_by=STAFF.actor_id,
        )
        store_payee(claim, PAYEE, settings().ledger_key)
        session.add(claim)
        session.flush()
        return claim.id or 0


def test_one_click_confirms_the_account_of_an_earlier_claim(registry: Engine) -> None:
    claim_id = _earlier_claim(registry, CODES[0])
    list_id = published(registry)
    with session_scope(registry) as session:
        entry = entry_of(session, list_id, CODES[0])
        reuse_claim_payee(session, entry.id or 0, claim_id, enterprise(CODES[0]))
    with session_scope(registry) as session:
        entry = entry_of(session, list_id, CODES[0])
        assert entry.payee_sealed is not None
        assert unseal(entry.payee_sealed, settings().ledger_key) == PAYEE
        assert entry.payee_confirmed_by == enterprise(CODES[0]).actor_id


def test_another_enterprises_account_is_never_taken(registry: Engine) -> None:
    claim_id = _earlier_claim(registry, CODES[0])
    list_id = published(registry)
    with session_scope(registry) as session:
        entry = entry_of(session, list_id, CODES[1])
        with pytest.raises(NotFound):
            reuse_claim_payee(session, entry.id or 0, claim_id, STAFF)
    with session_scope(registry) as session:
        assert entry_of(session, list_id, CODES[1]).payee_sealed is None
