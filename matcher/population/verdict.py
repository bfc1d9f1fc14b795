"""One policy judged for every enterprise in one SELECT: the SQL twin of ``evaluate_policy``.

Three nested queries, each computing what the next reads:

1. per enterprise, each criterion's outcome code (0 failed, 1 passed, 2 unknown — a missing
   fact, a division by zero or a dated parameter outside its periods alike), the date time
   alone satisfies each failed waiting-period criterion, and the amount in fen;
2. the status from the product of the codes (0: a criterion failed; 1: all passed; more:
   one is undetermined), encoded as :data:`STATUS_CODES`, ``eligible_from`` and the amount
   in yuan;
3. the rows a snapshot keeps (see :mod:`matcher.population.tables`).

A population run has no claims: claim facts are NULL, so the criteria on them are
undetermined, as for an enterprise that has not applied yet.
"""

import operator
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Numeric,
    Select,
    SmallInteger,
    case,
    cast,
    literal,
    null,
    or_,
)
from sqlalchemy import select as sql_select

from matcher.eligibility.results import Status
from matcher.enterprises.declared_columns import declared_fact_sql
from matcher.enterprises.tables import enterprises, sql_type
from matcher.policies.compile import CompiledCriterion, CompiledPolicy
from matcher.policies.model import Effective
from matcher.profiles.declared import NO_DECLARED_FACTS, DeclaredFacts
from matcher.rules import Schema
from matcher.rules.sql import WIDE_INTEGER, SqlFacts, compile_fen, compile_sql
from matcher.rules.sql_timing import date_satisfied_sql, greatest_known

FAILED, PASSED, UNDETERMINED = 0, 1, 2
"""A criterion's outcome code; the product over a policy's criteria decides its status."""

STATUS_CODES: dict[Status, int] = {
    Status.NOT_ELIGIBLE: 0,
    Status.ELIGIBLE: 1,
    Status.UNDETERMINED: 2,
}
"""How ``entitlement_snapshots.status`` stores each status."""
STATUSES: dict[int, Status] = {code: status for status, code in STATUS_CODES.items()}

SNAPSHOT_COLUMNS = (
    "run_id",
    "policy_no",
    "enterprise_id",
    "status",
    "amount",
    "eligible_from",
)


def sql_facts(
    schema: Schema, as_of: date, declared: DeclaredFacts = NO_DECLARED_FACTS
) -> dict[str, ColumnElement[Any]]:
    """Every fact of ``schema`` as SQL over ``enterprises``: a column, or for a ``declared``
    fact its typed extraction from the JSON column; claim facts are typed NULLs."""
    facts: dict[str, ColumnElement[Any]] = {}
    for path, spec in schema.items():
        name = path.removeprefix("enterprise.")
        if path == "as_of":
            facts[path] = literal(as_of, Date())
        elif path.startswith("enterprise.") and name in declared:
            facts[path] = declared_fact_sql(name, declared[name])
        elif path.startswith("enterprise."):
            facts[path] = enterprises.c[name]
        else:
            facts[path] = cast(null(), sql_type(spec.type))
    return facts


def _outcome(criterion: CompiledCriterion, facts: SqlFacts) -> ColumnElement[Any]:
    value = compile_sql(criterion.expression.node, facts)
    return case({True: PASSED, False: FAILED}, value=value, else_=UNDETERMINED)


def _eligible_from(
    outcomes: Sequence[ColumnElement[Any]],
    dates: dict[int, ColumnElement[Any]],
    effective: Effective,
) -> ColumnElement[Any] | None:
    """The day time alone clears every failed criterion, if that is within the policy's period."""
    if not dates:
        return None
    dateless = [
        outcome == FAILED if index not in dates else (outcome == FAILED) & dates[index].is_(None)
        for index, outcome in enumerate(outcomes)
    ]
    pending = [case((outcomes[index] == FAILED, day)) for index, day in dates.items()]
    day = case((or_(*dateless), null()), else_=greatest_known(pending))
    within = day >= effective.start
    if effective.until is not None:
        within &= day <= effective.until
    return case((within, day))


def verdicts(
    policy: CompiledPolicy, as_of: date, scope: ColumnElement[bool] | None = None
) -> Select[Any]:
    """Every enterprise's verdict under ``policy`` on ``as_of`` (steps 1 and 2 above), or
    only of those ``scope`` (a condition on ``enterprises``) selects: its ``id``, ``status``
    code, ``eligible_from``, ``amount`` in yuan, and the ``product`` of its criteria's outcome
    codes (0 when one failed)."""
    facts = sql_facts(policy.schema, as_of, policy.declared)
    criteria = {f"c{i}": _outcome(c, facts) for i, c in enumerate(policy.criteria)}
    timed = {
        index: day
        for index, criterion in enumerate(policy.criteria)
        if (day := date_satisfied_sql(criterion.expression.node, facts)) is not None
    }
    fen = (
        cast(null(), WIDE_INTEGER)
        if policy.amount is None
        else compile_fen(policy.amount.node, facts)
    )
    first: Select[Any] = sql_select(
        enterprises.c.id,
        *(outcome.label(name) for name, outcome in criteria.items()),
        *(day.label(f"d{index}") for index, day in timed.items()),
        fen.label("fen"),
    )
    if scope is not None:
        first = first.where(scope)
    outcomes_query = first.subquery("outcomes")

    outcomes = [outcomes_query.c[name] for name in criteria]
    product = reduce(operator.mul, outcomes)
    status = case(
        {FAILED: STATUS_CODES[Status.NOT_ELIGIBLE], PASSED: STATUS_CODES[Status.ELIGIBLE]},
        value=product,
        else_=STATUS_CODES[Status.UNDETERMINED],
    )
    waiting = _eligible_from(
        outcomes, {i: outcomes_query.c[f"d{i}"] for i in timed}, policy.policy.effective
    )
    amount = outcomes_query.c.fen / literal(Decimal(100), Numeric())
    return sql_select(
        outcomes_query.c.id,
        status.label("status"),
        (cast(null(), Date()) if waiting is None else waiting).label("eligible_from"),
        amount.label("amount"),
        product.label("product"),
    )


def entitlement_select(
    policy: CompiledPolicy, as_of: date, run_id: int, policy_no: int
) -> Select[Any]:
    """The snapshot rows of ``policy`` (number ``policy_no`` of run ``run_id``) for every
    enterprise, in :data:`SNAPSHOT_COLUMNS` order."""
    kept = kept_verdicts(policy, as_of).subquery("kept")
    return sql_select(
        literal(run_id),
        literal(policy_no, SmallInteger()),
        kept.c.enterprise_id,
        kept.c.status,
        kept.c.amount,
        kept.c.eligible_from,
    )


def kept_verdicts(
    policy: CompiledPolicy, as_of: date, scope: ColumnElement[bool] | None = None
) -> Select[Any]:
    """The verdicts a snapshot or the state keeps (enterprise_id, status, amount,
    eligible_from; step 3 above) of the enterprises ``scope`` selects, or of every one."""
    second = verdicts(policy, as_of, scope).subquery("verdicts")
    return sql_select(
        second.c.id.label("enterprise_id"),
        second.c.status,
        second.c.amount,
        second.c.eligible_from,
    ).where(or_(second.c.product != FAILED, second.c.eligible_from.is_not(None)))
