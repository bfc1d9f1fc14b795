"""Every query of the population matcher."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, FromClause, func, insert, select
from sqlmodel import Session, col

from matcher.eligibility.results import Status
from matcher.enterprises.tables import enterprises
from matcher.policies.compile import CompiledPolicy
from matcher.population.tables import EntitlementSnapshot, MatchRun, MatchRunPolicy
from matcher.population.verdict import SNAPSHOT_COLUMNS, STATUSES, entitlement_select
from matcher.rules.sql import FEN_SCALE, exact_units

FEN = Decimal("0.01")


class MatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def matched_versions(self) -> set[str]:
        """Every policy version some finished run has matched."""
        finished = (
            select(col(MatchRunPolicy.policy_version))
            .join(MatchRun, col(MatchRun.id) == col(MatchRunPolicy.run_id))
            .where(col(MatchRun.finished_at).is_not(None))
            .distinct()
        )
        return set(self.session.execute(finished).scalars())

    def tallies(self, run_id: int) -> list[MatchRunPolicy]:
        """What run ``run_id`` found, policy by policy, in the order it numbered them."""
        listed = (
            select(MatchRunPolicy)
            .where(col(MatchRunPolicy.run_id) == run_id)
            .order_by(col(MatchRunPolicy.policy_no))
        )
        return list(self.session.execute(listed).scalars())

    def enterprise_count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(enterprises)).scalar_one())

    def add_run(self, run: MatchRun) -> MatchRun:
        self.session.add(run)
        self.session.flush()
        return run

    def add_policy(self, run_id: int, policy_no: int, policy: CompiledPolicy) -> MatchRunPolicy:
        """Record that run ``run_id`` matches ``policy`` as its number ``policy_no``."""
        matched = MatchRunPolicy(
            run_id=run_id, policy_no=policy_no, policy_id=policy.id, policy_version=policy.version
        )
        self.session.add(matched)
        self.session.flush()
        return matched

    def write_snapshot(
        self, run_id: int, policy_no: int, policy: CompiledPolicy, as_of: date
    ) -> dict[Status, tuple[int, Decimal]]:
        """Judge every enterprise under ``policy`` in one INSERT … SELECT; the rows written and
        their amount (summed exactly, in fen), by status.

        PostgreSQL counts the rows as it writes them (``INSERT … RETURNING`` in a CTE); SQLite,
        which has no data-modifying CTE, reads them back."""
        rows = entitlement_select(policy, as_of, run_id, policy_no)
        written = insert(EntitlementSnapshot).from_select(SNAPSHOT_COLUMNS, rows)
        if self.session.get_bind().dialect.name == "postgresql":
            table = EntitlementSnapshot.metadata.tables["entitlement_snapshots"]
            returned = written.returning(table.c.status, table.c.amount).cte("written")
            return self._totals(returned.c.status, returned.c.amount, select_from=returned)
        self.session.execute(written)
        return self.totals(run_id, policy_no)

    def totals(self, run_id: int, policy_no: int) -> dict[Status, tuple[int, Decimal]]:
        """Rows and their amount (summed exactly, in fen) of one policy in a run, by status."""
        table = EntitlementSnapshot.metadata.tables["entitlement_snapshots"]
        return self._totals(
            table.c.status,
            table.c.amount,
            select_from=table,
            where=(table.c.run_id == run_id, table.c.policy_no == policy_no),
        )

    def _totals(
        self,
        status: ColumnElement[Any],
        amount: ColumnElement[Any],
        select_from: FromClause,
        where: tuple[ColumnElement[bool], ...] = (),
    ) -> dict[Status, tuple[int, Decimal]]:
        fen = func.coalesce(func.sum(exact_units(amount, FEN_SCALE)), 0)
        statement = (
            select(status, func.count(), fen)
            .select_from(select_from)
            .where(*where)
            .group_by(status)
        )
        return {
            STATUSES[code]: (int(count), Decimal(int(total)) * FEN)
            for code, count, total in self.session.execute(statement)
        }
