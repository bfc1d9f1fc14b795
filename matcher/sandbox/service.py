"""Run the sandbox: compile a draft as publishing would, judge the population with it in a
read-only transaction, and report."""

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, text

from matcher.policies.catalog import Catalog
from matcher.policies.model import Benefit
from matcher.sandbox.draft import Draft, compile_draft
from matcher.sandbox.queries import (
    ELIGIBLE,
    GAIN,
    LOSS,
    NOT_ELIGIBLE,
    UNDETERMINED,
    WAITING,
    population,
    sandbox_query,
)
from matcher.sandbox.report import (
    BudgetUse,
    Change,
    Comparison,
    Figures,
    Group,
    SandboxReport,
    Verdict,
)

TOP = 50
"""How many of the largest gains, and of the largest losses, a run lists by default."""
FEN = Decimal("0.01")
VERDICTS = {
    ELIGIBLE: Verdict.ELIGIBLE,
    UNDETERMINED: Verdict.UNDETERMINED,
    WAITING: Verdict.WAITING,
    NOT_ELIGIBLE: Verdict.NOT_ELIGIBLE,
}


def run_sandbox(
    engine: Engine, catalog: Catalog, draft_text: str, as_of: date, top: int = TOP
) -> SandboxReport:
    """Judge every enterprise on record under the draft ``draft_text`` on ``as_of``, beside
    the current version of the same policy if ``catalog`` holds one.

    Raises :class:`~matcher.policies.issues.CatalogError` exactly as publishing the draft
    would. Nothing is written: the queries run in a read-only transaction, rolled back.
    """
    draft = compile_draft(catalog, draft_text)
    started = time.perf_counter()
    compared = draft.current is not None
    query = sandbox_query(population(draft.policy, draft.current, as_of), compared, top)
    with _read_only(engine) as connection:
        found = list(connection.execute(query))
    grouped = [row for row in found if row.side == 0]
    changes = [row for row in found if row.side != 0]
    return _report(draft, as_of, grouped, changes, time.perf_counter() - started)


@contextmanager
def _read_only(engine: Engine) -> Iterator[Connection]:
    """A connection whose transaction cannot write (PostgreSQL refuses any write in it; SQLite's
    connection is made query-only), rolled back at the end."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        connection.execute(
            text("PRAGMA query_only = ON" if sqlite else "SET TRANSACTION READ ONLY")
        )
        try:
            yield connection
        finally:
            connection.rollback()
            if sqlite:
                connection.execute(text("PRAGMA query_only = OFF"))
                connection.rollback()


@dataclass
class _Tally:
    """Counts and fen sums by verdict, folded from grouped rows."""

    count: dict[Verdict, int] = field(default_factory=lambda: defaultdict(int))
    fen: dict[Verdict, int] = field(default_factory=lambda: defaultdict(int))
    known: dict[Verdict, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, verdict: Verdict, count: int, fen: Any, known: int) -> None:
        self.count[verdict] += count
        self.fen[verdict] += int(fen or 0)
        self.known[verdict] += known

    def figures(self) -> Figures:
        return Figures(
            eligible=self.count[Verdict.ELIGIBLE],
            undetermined=self.count[Verdict.UNDETERMINED],
            waiting=self.count[Verdict.WAITING],
            not_eligible=self.count[Verdict.NOT_ELIGIBLE],
            eligible_amount=_yuan(self.fen[Verdict.ELIGIBLE]),
            undetermined_amount=_yuan(self.fen[Verdict.UNDETERMINED]),
            amount_unknown=self.count[Verdict.ELIGIBLE] - self.known[Verdict.ELIGIBLE],
        )


def _yuan(fen: Any) -> Decimal:
    return Decimal(int(fen)) * FEN


def _report(
    draft: Draft,
    as_of: date,
    grouped: Sequence[Any],
    changes: Sequence[Any],
    seconds: float,
) -> SandboxReport:
    total, current = _Tally(), _Tally()
    clusters: dict[str | None, _Tally] = defaultdict(_Tally)
    sizes: dict[str | None, _Tally] = defaultdict(_Tally)
    directions: dict[int, int] = defaultdict(int)
    deltas: dict[int, int] = defaultdict(int)
    for row in grouped:
        new = VERDICTS[row.new_verdict]
        for tally in (total, clusters[row.cluster], sizes[row.size]):
            tally.add(new, row.count, row.new_fen, row.new_known)
        if draft.current is not None:
            current.add(VERDICTS[row.old_verdict], row.count, row.old_fen, row.old_known)
            directions[row.direction] += row.count
            deltas[row.direction] += int(row.delta or 0)
    figures = total.figures()
    policy = draft.policy.policy
    comparison = None
    if draft.current is not None:
        listed = sorted(changes, key=lambda c: (-abs(c.delta), c.uscc))
        comparison = Comparison(
            current_version=draft.current.version,
            current=current.figures(),
            gaining=directions[GAIN],
            losing=directions[LOSS],
            unchanged=directions[0],
            gained=_yuan(deltas[GAIN]),
            lost=_yuan(deltas[LOSS]),
            gainers=tuple(_change(c) for c in listed if c.side == GAIN),
            losers=tuple(_change(c) for c in listed if c.side == LOSS),
        )
    return SandboxReport(
        policy_id=draft.policy.id,
        title=policy.title,
        version=draft.policy.version,
        as_of=as_of,
        in_force=policy.effective.covers(as_of),
        enterprises=sum(total.count.values()),
        figures=figures,
        by_cluster=_groups(clusters),
        by_size=_groups(sizes),
        budget=_budget(policy.benefit, as_of, figures.eligible_amount),
        comparison=comparison,
        seconds=round(seconds, 3),
    )


def _groups(tallies: dict[str | None, _Tally]) -> tuple[Group, ...]:
    """The groups in value order, the enterprises with no value on record last."""
    ordered = sorted(tallies.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return tuple(Group(value, tally.figures()) for value, tally in ordered)


def _change(row: Any) -> Change:
    return Change(
        uscc=row.uscc,
        name=row.name,
        old_verdict=VERDICTS[row.old_verdict],
        old_amount=_at_stake(row.old_verdict, row.old_fen),
        new_verdict=VERDICTS[row.new_verdict],
        new_amount=_at_stake(row.new_verdict, row.new_fen),
        delta=_yuan(row.delta),
    )


def _at_stake(verdict: int, fen: Any) -> Decimal | None:
    """The amount shown beside a verdict: none for an enterprise that is not eligible."""
    return None if fen is None or verdict in (NOT_ELIGIBLE, WAITING) else _yuan(fen)


def _budget(benefit: Benefit, as_of: date, used: Decimal) -> BudgetUse | None:
    """The budget of ``as_of``'s year if the policy sets one per year, else its total budget."""
    for budget in benefit.budgets:
        if budget.year == as_of.year:
            return BudgetUse(budget.year, budget.amount, used)
    if benefit.budget is not None:
        return BudgetUse(None, benefit.budget, used)
    return None
