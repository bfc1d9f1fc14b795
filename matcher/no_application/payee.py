"""The enterprise confirms the account a payable list pays it to (one submission on its page):
kept sealed on its entry, copied onto the claim at approval, whose decision's snapshot then
carries the account's fingerprint like any approval's."""

from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.config import settings
from matcher.errors import Conflict, NotFound
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import ListStatus, PayableEntry
from matcher.payouts.payee import Payee
from matcher.payouts.payee_seal import seal, unseal
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Claim


def confirm_payee(session: Session, entry_id: int, payee: Payee, actor: Principal) -> PayableEntry:
    """Record ``payee`` for the entry, until the entry is paid. The ledger's turn is taken
    first, so an approval running meanwhile pays either the old account or the new one whole."""
    PayoutRepository(session).lock_head()
    repository = PayableRepository(session)
    entry = repository.entry(entry_id)
    if entry is None or not actor.may_see(entry.uscc):
        raise NotFound("免申即享名单条目")
    session.refresh(entry)
    payable = repository.payable_list(entry.list_id)
    assert payable is not None, "an entry belongs to a list"
    if payable.status is ListStatus.DRAFT:
        raise NotFound("免申即享名单条目")
    if entry.claim_id is not None:
        raise Conflict("already_paid", "该笔资金已批准兑现，收款账户不能再更改")
    if entry.excluded_reason is not None:
        raise Conflict("not_payable", f"不予免申即享：{entry.excluded_reason}")
    entry.payee_holder, entry.payee_bank = payee.holder, payee.bank
    entry.payee_account_masked = payee.masked_account
    entry.payee_sealed = seal(payee, settings().ledger_key)
    entry.payee_confirmed_by, entry.payee_confirmed_at = actor.actor_id, clock.now()
    session.add(entry)
    session.flush()
    return entry


def reuse_claim_payee(
    session: Session, entry_id: int, claim_id: int, actor: Principal
) -> PayableEntry:
    """The one click: confirm for the entry the account the enterprise gave on its claim
    ``claim_id``."""
    entry = PayableRepository(session).entry(entry_id)
    claim = session.get(Claim, claim_id)
    if (
        entry is None
        or claim is None
        or claim.payee_sealed is None
        or claim.uscc != entry.uscc
        or not actor.may_see(claim.uscc)
    ):
        raise NotFound("收款账户")
    return confirm_payee(
        session, entry_id, unseal(claim.payee_sealed, settings().ledger_key), actor
    )
