"""Every query of the population matcher."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from matcher.enterprises.tables import enterprises
from matcher.policies.compile import CompiledPolicy
from matcher.population.tables import EntitlementSnapshot, MatchRun
from matcher.population.verdict import SNAPSHOT_COLUMNS, entitlement_select
from matcher.rules.sql import FEN_SCALE, exact_units

FEN = Decimal("0.01")


class MatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def matched_versions(self) -> set[str]:
        """Every policy version some finished run has matched."""
        finished = select(col(MatchRun.catalog)).where(col(MatchRun.finished_at).is_not(None))
        catalogs = self.session.execute(finished).scalars()
        return {tally["version"] for catalog in catalogs for tally in catalog}

    def enterprise_count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(enterprises)).scalar_one())

    def add_run(self, run: MatchRun) -> MatchRun:
        self.session.add(run)
        self.session.flush()
        return run

    def write_snapshot(self, run_id: int, policy: CompiledPolicy, as_of: date) -> None:
        """Judge every enterprise under ``policy`` in one INSERT … SELECT."""
        rows = entitlement_select(policy, as_of, run_id)
        self.session.execute(insert(EntitlementSnapshot).from_select(SNAPSHOT_COLUMNS, rows))

    def totals(self, run_id: int, policy_id: str) -> dict[str, tuple[int, Decimal]]:
        """Rows and their amount (summed exactly, in fen) of one policy in a run, by status."""
        snapshot = EntitlementSnapshot
        amount = EntitlementSnapshot.metadata.tables["entitlement_snapshots"].c.amount
        fen = func.coalesce(func.sum(exact_units(amount, FEN_SCALE)), 0)
        statement = (
            select(col(snapshot.status), func.count(), fen)
            .where(col(snapshot.run_id) == run_id, col(snapshot.policy_id) == policy_id)
            .group_by(col(snapshot.status))
        )
        return {
            status: (int(count), Decimal(int(total)) * FEN)
            for status, count, total in self.session.execute(statement)
        }
