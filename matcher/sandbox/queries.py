"""The sandbox's query: one statement over the population, computed in the database.

The draft's verdicts, and the current version's when there is one, come from
:func:`matcher.population.verdict.verdicts`, the query a population run writes its snapshot
from; they are joined on the enterprise. :func:`sandbox_query` groups the population by
industry cluster, size class and verdict (and by the current verdict and the direction of the
change): a few hundred rows at most, whatever the population; and lists the largest gains and
losses.

Our rule, not a policy's, for who gains: a better verdict (eligible over undetermined over not
eligible) gains whatever the amount; under the same verdict a larger amount at stake gains.
The amount at stake is the amount while eligible or undetermined, nothing otherwise.
"""

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    FromClause,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from matcher.eligibility.results import Status
from matcher.enterprises.tables import enterprises
from matcher.policies.compile import CompiledPolicy
from matcher.population.verdict import STATUS_CODES, verdicts
from matcher.rules.sql import FEN_SCALE, exact_units

NOT_ELIGIBLE = STATUS_CODES[Status.NOT_ELIGIBLE]
ELIGIBLE = STATUS_CODES[Status.ELIGIBLE]
UNDETERMINED = STATUS_CODES[Status.UNDETERMINED]
WAITING = max(STATUS_CODES.values()) + 1
"""A verdict code beside the status codes: not eligible, but eligible from a known date."""
GAIN, LOSS = 1, -1


def _verdict(judged: FromClause) -> ColumnElement[Any]:
    waiting = and_(judged.c.status == NOT_ELIGIBLE, judged.c.eligible_from.is_not(None))
    return case((waiting, WAITING), else_=judged.c.status)


def _rank(judged: FromClause) -> ColumnElement[Any]:
    return case({ELIGIBLE: 2, UNDETERMINED: 1}, value=judged.c.status, else_=0)


def _stake(judged: FromClause) -> ColumnElement[Any]:
    """The amount at stake, in fen: zero when not eligible or unknown."""
    fen = func.coalesce(exact_units(judged.c.amount, FEN_SCALE), 0)
    return case((judged.c.status == NOT_ELIGIBLE, 0), else_=fen)


def _fenced(query: Select[Any]) -> Select[Any]:
    """``query`` as a subquery the planner computes once per row rather than merging into
    the query around it (``OFFSET 0``): merged, each use of a column above re-evaluates the
    whole expression behind it, and the verdict's columns are used many times over."""
    return query.offset(0)


def population(draft: CompiledPolicy, current: CompiledPolicy | None, as_of: date) -> Select[Any]:
    """One row per enterprise: its id, cluster and size, its verdict and amount (fen)
    under the draft, and under ``current`` with the change when there is one."""
    new = _fenced(verdicts(draft, as_of)).subquery("draft")
    columns: list[ColumnElement[Any]] = [
        enterprises.c.id,
        enterprises.c.industry_cluster.label("cluster"),
        enterprises.c.size_class.label("size"),
        _verdict(new).label("new_verdict"),
        exact_units(new.c.amount, FEN_SCALE).label("new_fen"),
    ]
    joined = enterprises.join(new, new.c.id == enterprises.c.id)
    if current is not None:
        old = _fenced(verdicts(current, as_of)).subquery("current")
        joined = joined.join(old, old.c.id == enterprises.c.id)
        delta = _stake(new) - _stake(old)
        direction = case(
            (_rank(new) > _rank(old), GAIN),
            (_rank(new) < _rank(old), LOSS),
            (delta > 0, GAIN),
            (delta < 0, LOSS),
            else_=0,
        )
        columns += [
            _verdict(old).label("old_verdict"),
            exact_units(old.c.amount, FEN_SCALE).label("old_fen"),
            delta.label("delta"),
            direction.label("direction"),
        ]
    return select(*columns).select_from(joined)


def sandbox_query(rows: Select[Any], compared: bool, top: int) -> Select[Any] | CompoundSelect[Any]:
    """One statement over ``rows`` (:func:`population`): rows of ``side`` 0 count them by
    cluster, size and verdict (and, ``compared``, by current verdict and direction), with the
    amounts' sums and how many are known; and, ``compared``, rows of ``side`` :data:`GAIN` and
    :data:`LOSS` are the ``top`` largest gains and losses, one enterprise each (ties in record
    order), with its code and name. Compared, ``rows`` is a common table expression the three
    parts share: PostgreSQL computes it once."""
    if not compared:
        return _grouped(_fenced(rows).subquery("population"), compared)
    table = rows.cte("population")
    return union_all(
        _grouped(table, compared), *(_listed(table, side, top) for side in (GAIN, LOSS))
    )


def _grouped(table: FromClause, compared: bool) -> Select[Any]:
    """The rows of ``side`` 0: a group of enterprises each, no code or name."""
    keys = [table.c.cluster, table.c.size]
    judged = [table.c.new_verdict]
    sums = [
        func.count().label("count"),
        func.sum(table.c.new_fen).label("new_fen"),
        func.count(table.c.new_fen).label("new_known"),
    ]
    if compared:
        judged += [table.c.old_verdict, table.c.direction]
        sums += [
            func.sum(table.c.old_fen).label("old_fen"),
            func.count(table.c.old_fen).label("old_known"),
            func.sum(table.c.delta).label("delta"),
        ]
    named = [
        cast(null(), enterprises.c.uscc.type).label("uscc"),
        cast(null(), enterprises.c.name.type).label("name"),
    ]
    return select(literal(0).label("side"), *keys, *named, *judged, *sums).group_by(*keys, *judged)


def _listed(table: FromClause, side: int, top: int) -> Select[Any]:
    """The rows of ``side``: the ``top`` largest changes that way, a group of one each."""
    largest = (
        select(table)
        .where(table.c.direction == side)
        .order_by(func.abs(table.c.delta).desc(), table.c.id)
        .limit(top)
        .subquery()
    )
    known = {name: case((largest.c[name].is_(None), 0), else_=1) for name in ("new_fen", "old_fen")}
    return select(
        literal(side).label("side"),
        largest.c.cluster,
        largest.c.size,
        enterprises.c.uscc,
        enterprises.c.name,
        largest.c.new_verdict,
        largest.c.old_verdict,
        largest.c.direction,
        literal(1).label("count"),
        largest.c.new_fen,
        known["new_fen"].label("new_known"),
        largest.c.old_fen,
        known["old_fen"].label("old_known"),
        largest.c.delta,
    ).join_from(largest, enterprises, enterprises.c.id == largest.c.id)
