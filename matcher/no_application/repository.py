"""The queries of payable lists."""

from collections.abc import Sequence

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from matcher.enterprises.tables import enterprises
from matcher.no_application.tables import ListStatus, PayableEntry, PayableList
from matcher.payouts.tables import Claim, ClaimStatus


class PayableRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def payable_list(self, list_id: int) -> PayableList | None:
        return self.session.get(PayableList, list_id)

    def lists(self) -> Sequence[PayableList]:
        return self.session.exec(select(PayableList).order_by(col(PayableList.id).desc())).all()

    def entries(self, list_id: int) -> Sequence[PayableEntry]:
        statement = select(PayableEntry).where(PayableEntry.list_id == list_id)
        return self.session.exec(statement.order_by(col(PayableEntry.id))).all()

    def entry(self, entry_id: int) -> PayableEntry | None:
        return self.session.get(PayableEntry, entry_id)

    def published_entries_of(self, uscc: str) -> Sequence[tuple[PayableEntry, PayableList]]:
        """The enterprise's entries on lists past their draft, newest first."""
        statement = (
            select(PayableEntry, PayableList)
            .join(PayableList, col(PayableList.id) == PayableEntry.list_id)
            .where(PayableEntry.uscc == uscc, PayableList.status != ListStatus.DRAFT)
            .order_by(col(PayableEntry.id).desc())
        )
        return self.session.exec(statement).all()

    def enterprises(self) -> Sequence[tuple[int, str, str]]:
        """Every enterprise on record: id, code and name."""
        rows = self.session.execute(
            sa_select(enterprises.c.id, enterprises.c.uscc, enterprises.c.name).order_by(
                enterprises.c.id
            )
        ).all()
        return [(row.id, row.uscc, row.name) for row in rows]

    def standing_claims(self, policy_id: str) -> dict[int, Claim]:
        """Each enterprise's standing claim under the policy (see :meth:`standing_claim`), by
        enterprise id, in one query."""
        standing: dict[int, Claim] = {}
        for claim in self.session.exec(_standing(policy_id).order_by(col(Claim.id).desc())):
            standing[claim.enterprise_id] = claim
        return standing

    def standing_claim(self, enterprise_id: int, policy_id: str) -> Claim | None:
        """The enterprise's first claim under the policy that is not rejected, if any: one
        filed the ordinary way, or one a payable list filed."""
        statement = _standing(policy_id).where(Claim.enterprise_id == enterprise_id)
        return self.session.exec(statement.order_by(col(Claim.id))).first()

    def latest_payee_claim(self, uscc: str) -> Claim | None:
        """The enterprise's latest claim that names an account: the one its page offers to
        confirm with one click."""
        statement = select(Claim).where(Claim.uscc == uscc, col(Claim.payee_sealed).is_not(None))
        return self.session.exec(statement.order_by(col(Claim.id).desc())).first()


def _standing(policy_id: str) -> SelectOfScalar[Claim]:
    """The claims under ``policy_id`` that are not rejected."""
    return select(Claim).where(Claim.policy_id == policy_id, Claim.status != ClaimStatus.REJECTED)
