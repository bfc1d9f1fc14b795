"""Claims in a list, for the staff queue and an enterprise's own list: the policy's title, the
enterprise's name, the status in words, and the due date with whether it has passed."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.schemas import ClaimPublic
from matcher.payouts.tables import CLAIM_STATUS_LABELS, Claim
from matcher.policies.catalog import Catalog


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: ClaimPublic
    """With ``overdue`` worked out as the API does."""
    title: str
    enterprise: str
    status_label: str


def claim_rows(
    session: Session, catalog: Catalog, claims: Sequence[Claim], today: date
) -> tuple[ClaimRow, ...]:
    """``claims`` in the given order, each with its words looked up."""
    enterprises = EnterpriseRepository(session)
    names: dict[str, str] = {}
    rows = []
    for claim in claims:
        if claim.uscc not in names:
            record = enterprises.row(claim.uscc)
            names[claim.uscc] = record["name"] if record is not None else claim.uscc
        compiled = catalog.get(claim.policy_id)
        rows.append(
            ClaimRow(
                ClaimPublic.of(claim, today),
                compiled.policy.title if compiled is not None else claim.policy_id,
                names[claim.uscc],
                CLAIM_STATUS_LABELS[claim.status],
            )
        )
    return tuple(rows)
