"""When time alone will satisfy a criterion, in SQL: the twin of :mod:`matcher.rules.timing`.

The same shapes are recognised (``years_between(X, as_of) >= n`` and its months and days
kin, ``as_of >= date``, ``and``/``or`` of such shapes), by the same helpers; only the
solving happens in SQL, for every row at once.
"""

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, null, or_, true

from matcher.rules import ast
from matcher.rules.sql import DATE_OF_THRESHOLD_SQL, SqlFacts, add_days, compile_sql
from matcher.rules.timing import depends_on_as_of, is_as_of, mirror
from matcher.rules.types import Kind


def _known(values: Sequence[ColumnElement[Any]], wins: Callable[..., Any]) -> Any:
    """The value that ``wins`` over the others, NULLs skipped; NULL if all are NULL."""
    result = values[0]
    for value in values[1:]:
        result = case((or_(value.is_(None), wins(result, value)), result), else_=value)
    return result


def greatest_known(values: Sequence[ColumnElement[Any]]) -> Any:
    return _known(values, lambda a, b: a >= b)


def least_known(values: Sequence[ColumnElement[Any]]) -> Any:
    return _known(values, lambda a, b: a <= b)


def _logical_date(node: ast.Logical, facts: SqlFacts) -> ColumnElement[Any] | None:
    """``and`` waits for its last false operand, ``or`` for its first."""
    operands = [
        (compile_sql(o, facts), date_satisfied_sql(o, facts)) for o in (node.left, node.right)
    ]
    pending = [case((value.is_(false()), day)) for value, day in operands if day is not None]
    if not pending:
        return None
    if node.op == "or":
        already = or_(*(value.is_(true()) for value, _ in operands))
        return case((already, null()), else_=least_known(pending))
    unknown = [value.is_(None) for value, _ in operands]
    dateless = [
        value.is_(false()) if day is None else and_(value.is_(false()), day.is_(None))
        for value, day in operands
    ]
    holds = and_(*(value.is_(true()) for value, _ in operands))
    return case((or_(*unknown, *dateless, holds), null()), else_=greatest_known(pending))


def date_satisfied_sql(node: ast.Node, facts: SqlFacts) -> ColumnElement[Any] | None:
    """SQL for :func:`matcher.rules.timing.date_satisfied`; ``None`` where it is always None."""
    if isinstance(node, ast.Logical):
        return _logical_date(node, facts)
    if not isinstance(node, ast.Compare):
        return None
    op, subject, bound_node = mirror(node)
    if op not in (">=", ">") or depends_on_as_of(bound_node):
        return None
    bound_kind = bound_node.type.kind if bound_node.type else None
    if is_as_of(subject) and bound_kind is Kind.DATE:
        bound = compile_sql(bound_node, facts)
        return bound if op == ">=" else add_days(bound, 1)
    if (
        isinstance(subject, ast.Call)
        and subject.name in DATE_OF_THRESHOLD_SQL
        and len(subject.args) == 2
        and is_as_of(subject.args[1])
        and not depends_on_as_of(subject.args[0])
        and bound_kind is Kind.INT
    ):
        threshold = compile_sql(bound_node, facts)
        if op == ">":
            threshold = threshold + 1
        start = compile_sql(subject.args[0], facts)
        day: ColumnElement[Any] = DATE_OF_THRESHOLD_SQL[subject.name](start, threshold)
        return day
    return None
