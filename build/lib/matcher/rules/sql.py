"""The SQL back end of the rule language: a typed AST compiled to a SQLAlchemy expression.

The expression lets the database judge a whole population in one statement, with the
evaluator's semantics, on SQLite and on PostgreSQL alike:

- Unknown is NULL. SQL's AND, OR and NOT are already Kleene, and comparisons, arithmetic
  and IN give NULL on a NULL operand. ``if`` is ``CASE condition WHEN TRUE THEN …
  WHEN FALSE THEN … END``, so an unknown condition gives NULL, not the else branch.
  ``min``/``max`` are CASEs that give NULL when any argument is NULL (PostgreSQL's LEAST
  would skip it). Division by zero is NULL (NULLIF).
- Numbers are exact fixed point. SQLite has no decimal type (a NUMERIC column holds a binary
  double), so every number is compiled to an integer count of 10**-scale units, the scale
  fixed at compile time: 2 for a money fact, 2 for ``0.75``, the sum of the factors' scales
  for a product. The integers are 64-bit on SQLite and NUMERIC (unbounded) on PostgreSQL.
  Amounts are rounded to whole fen, ROUND_HALF_UP, by integer division, so they agree with
  ``Decimal.quantize`` to the fen. On SQLite this holds while every intermediate value stays
  below 2**63 units: money times two two-decimal rates up to about 4.9 * 10**13 yuan, a
  quotient of money up to about 9 * 10**12 yuan (and a double tells the fen apart up to
  7 * 10**13 yuan). Past that SQLite would fall back to floating point: the amount is
  reported unknown instead of wrong.
- A quotient keeps ``QUOTIENT_SCALE`` decimals, truncated toward zero, where the evaluator
  keeps 28 significant digits: amounts and comparisons agree whenever the quotient is exact
  at that scale, and an amount whose last step is the division always rounds the same.
- Dates: whole years and months come from the number ``year * w + month * 100 + day`` of
  each date (``w`` = 10000 for years, 1200 for months): the floor of the difference divided
  by 10000 (or 100) is the number of anniversaries, exactly as in
  :mod:`matcher.rules.functions`.
- ``starts_with`` compares the text's first characters with the prefix (``substr``), not
  LIKE, which would read ``%`` and ``_`` in the prefix and ignores case on SQLite.

Facts are given as a mapping from path to a typed SQL expression; an unknown fact is a
typed NULL (``cast(null(), Integer)``), never a bare ``null()``, which SQLAlchemy would turn
into ``IS NULL`` comparisons.
"""

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    Numeric,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    literal_column,
    not_,
    or_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

from matcher.rules import ast
from matcher.rules.types import Kind

SqlFacts = Mapping[str, ColumnElement[Any]]

QUOTIENT_SCALE = 6
FEN_SCALE = 2

# Exact integers: 64-bit where that is all there is, unbounded NUMERIC on PostgreSQL.
WIDE_INTEGER: TypeEngine[Any] = BigInteger().with_variant(Numeric(), "postgresql")

_SQL_TYPES: dict[Kind, TypeEngine[Any]] = {
    Kind.BOOL: Boolean(),
    Kind.TEXT: String(),
    Kind.DATE: Date(),
}

# A bound above any difference of the date numbers above (years 1 to 9999).
_DATE_NUMBER_BOUND = 10**8


class _Constant(FunctionElement[Any]):
    """An exact integer written into the SQL text, typed as a wide integer everywhere.

    A bound Python int would reach PostgreSQL as the smallest integer type that holds it,
    and a product of two such constants could overflow there.
    """

    type = WIDE_INTEGER
    inherit_cache = True

    def __init__(self, value: int) -> None:
        super().__init__(literal_column(str(int(value))))


@compiles(_Constant)
def _constant(element: _Constant, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_Constant, "postgresql")
def _constant_postgresql(element: _Constant, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS NUMERIC)"


class _IntDiv(FunctionElement[Any]):
    """Integer division truncated toward zero."""

    type = WIDE_INTEGER
    inherit_cache = True


def _operands(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    """The arguments of a construct, each in parentheses so that it nests anywhere."""
    return [f"({compiler.process(c, **kw)})" for c in element.clauses]


@compiles(_IntDiv)
def _int_div(element: _IntDiv, compiler: SQLCompiler, **kw: Any) -> str:
    left, right = _operands(element, compiler, **kw)
    return f"({left} / {right})"


@compiles(_IntDiv, "postgresql")
def _int_div_postgresql(element: _IntDiv, compiler: SQLCompiler, **kw: Any) -> str:
    left, right = _operands(element, compiler, **kw)
    return f"div({left}, {right})"


class _Units(FunctionElement[Any]):
    """A decimal column as an integer count of 10**-scale units."""

    type = WIDE_INTEGER
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any], scale: int) -> None:
        super().__init__(column, literal(10**scale, BigInteger()))


@compiles(_Units)
def _units(element: _Units, compiler: SQLCompiler, **kw: Any) -> str:
    column, factor = _operands(element, compiler, **kw)
    return f"({column} * {factor})"


@compiles(_Units, "sqlite")
def _units_sqlite(element: _Units, compiler: SQLCompiler, **kw: Any) -> str:
    # The column holds the double nearest to the decimal: rounding recovers the decimal.
    column, factor = _operands(element, compiler, **kw)
    return f"CAST(round({column} * {factor}) AS INTEGER)"


class _Exact(FunctionElement[Any]):
    """The integer itself, or NULL where SQLite overflowed into floating point."""

    type = WIDE_INTEGER
    inherit_cache = True


@compiles(_Exact)
def _exact(element: _Exact, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_Exact, "sqlite")
def _exact_sqlite(element: _Exact, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _operands(element, compiler, **kw)
    return f"CASE WHEN typeof({value}) = 'integer' THEN {value} END"


class _DayNumber(FunctionElement[Any]):
    """Days since a fixed epoch: the difference of two is the days between them."""

    type = BigInteger()
    inherit_cache = True


@compiles(_DayNumber)
def _day_number(element: _DayNumber, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _operands(element, compiler, **kw)
    return f"({day} - DATE '2000-01-01')"


@compiles(_DayNumber, "sqlite")
def _day_number_sqlite(element: _DayNumber, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() is a whole number plus one half for every date: truncation is exact.
    (day,) = _operands(element, compiler, **kw)
    return f"CAST(julianday({day}) AS INTEGER)"


class _AddMonths(FunctionElement[Any]):
    """``date`` plus whole months; a missing day falls on the next month's first."""

    type = Date()
    inherit_cache = True


@compiles(_AddMonths)
def _add_months(element: _AddMonths, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL clamps a missing day to the month's last day: step on to the 1st.
    day, months = _operands(element, compiler, **kw)
    moved = f"CAST({day} + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"
    return (
        f"CASE WHEN EXTRACT(DAY FROM {moved}) <> EXTRACT(DAY FROM {day}) "
        f"THEN {moved} + 1 ELSE {moved} END"
    )


@compiles(_AddMonths, "sqlite")
def _add_months_sqlite(element: _AddMonths, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite rolls a missing day over into the next month: go back to its 1st.
    day, months = _operands(element, compiler, **kw)
    moved = f"date({day}, printf('%+d months', {months}))"
    return (
        f"CASE WHEN strftime('%d', {moved}) <> strftime('%d', {day}) "
        f"THEN date({moved}, 'start of month') ELSE {moved} END"
    )


class _AddDays(FunctionElement[Any]):
    type = Date()
    inherit_cache = True


@compiles(_AddDays)
def _add_days(element: _AddDays, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = _operands(element, compiler, **kw)
    return f"({day} + CAST({days} AS INTEGER))"


@compiles(_AddDays, "sqlite")
def _add_days_sqlite(element: _AddDays, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = _operands(element, compiler, **kw)
    return f"date({day}, printf('%+d days', {days}))"


def exact_units(column: ColumnElement[Any], scale: int) -> ColumnElement[Any]:
    """A NUMERIC column as the exact integer count of its 10**-``scale`` units."""
    return _Units(column, scale)


def add_days(day: ColumnElement[Any], days: ColumnElement[Any] | int) -> ColumnElement[Any]:
    """``day`` plus a whole number of days."""
    return _AddDays(day, days)


# SQL for :data:`matcher.rules.functions.DATE_OF_THRESHOLD`: ``add_years`` is
# ``add_months`` by twelve (29 February falls on 1 March either way).
DATE_OF_THRESHOLD_SQL: dict[str, Callable[[ColumnElement[Any], ColumnElement[Any]], Any]] = {
    "years_between": lambda start, n: _AddMonths(start, n * 12),
    "months_between": _AddMonths,
    "days_between": _AddDays,
}


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A number in SQL: ``units`` counts 10**-``scale``; NULL when unknown."""

    units: ColumnElement[Any]
    scale: int

    def at(self, scale: int) -> ColumnElement[Any]:
        """The units at a scale at least as fine as this one."""
        if scale == self.scale:
            return self.units
        return self.units * _Constant(10 ** (scale - self.scale))


def _aligned(numbers: Sequence[_Fixed]) -> tuple[list[ColumnElement[Any]], int]:
    scale = max(n.scale for n in numbers)
    return [n.at(scale) for n in numbers], scale


def _decimal_units(value: int | Decimal) -> tuple[int, int]:
    """``value`` as (units, scale) with the smallest scale that holds it exactly."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    return int(Decimal(value).scaleb(scale)), scale


def _floor_div(dividend: ColumnElement[Any], divisor: int) -> ColumnElement[Any]:
    """Floor division by a positive constant of a dividend within the date-number bound."""
    offset = -(-_DATE_NUMBER_BOUND // divisor)  # shifts the dividend to non-negative
    return _IntDiv(dividend + divisor * offset, divisor) - offset


def _date_part(day: ColumnElement[Any], field: str) -> ColumnElement[Any]:
    """The year, month or day of a date, as an exact integer."""
    return cast(extract(field, day), WIDE_INTEGER)


def _date_number(day: ColumnElement[Any], year_weight: int) -> ColumnElement[Any]:
    year, month, dom = (_date_part(day, f) for f in ("year", "month", "day"))
    return year * year_weight + month * 100 + dom


def _whole_periods(start: ColumnElement[Any], end: ColumnElement[Any], unit: str) -> Any:
    if unit == "days_between":
        return _DayNumber(end) - _DayNumber(start)
    year_weight, divisor = (10000, 10000) if unit == "years_between" else (1200, 100)
    return _floor_div(_date_number(end, year_weight) - _date_number(start, year_weight), divisor)


def _extreme(values: Sequence[ColumnElement[Any]], wins: Callable[..., Any]) -> Any:
    """The argument that ``wins`` against every other; NULL if any argument is NULL."""
    return case(
        *(
            (and_(*(wins(v, w) for j, w in enumerate(values) if j != i)), v)
            for i, v in enumerate(values)
        )
    )


def _starts_with(text: ColumnElement[Any], prefix: ColumnElement[Any]) -> ColumnElement[Any]:
    """Whether the first characters of ``text`` are ``prefix`` (no LIKE: see above)."""
    return func.substr(text, 1, func.length(prefix)) == prefix


class _SqlCompiler:
    def __init__(self, facts: SqlFacts) -> None:
        self.facts = facts

    def fact(self, path: str) -> ColumnElement[Any]:
        try:
            return self.facts[path]
        except KeyError:
            raise KeyError(f"no SQL expression for fact {path}") from None

    def value(self, node: ast.Node) -> ColumnElement[Any]:
        """A boolean, text or date expression."""
        match node:
            case ast.Literal(value=value):
                return literal(value, _SQL_TYPES[_kind(node)])
            case ast.Field(path=path):
                return self.fact(path)
            case ast.Not(operand=operand):
                return not_(self.value(operand))
            case ast.Call(name="starts_with", args=(text, prefix)):
                return _starts_with(self.value(text), self.value(prefix))
            case ast.Logical(op=op, left=left, right=right):
                combine = and_ if op == "and" else or_
                return combine(self.value(left), self.value(right))
            case ast.Compare():
                return self.compare(node)
            case ast.InList():
                return self.membership(node)
            case ast.If(condition=condition, then=then, otherwise=otherwise):
                branches = {True: self.value(then), False: self.value(otherwise)}
                return case(branches, value=self.value(condition))
        raise TypeError(f"not a boolean, text or date expression: {node!r}")

    def number(self, node: ast.Node) -> _Fixed:
        """An integer or decimal expression as fixed point."""
        match node:
            case ast.Literal(value=int() | Decimal() as value):
                units, scale = _decimal_units(value)
                return _Fixed(_Constant(units), scale)
            case ast.Literal(value=None):
                return _Fixed(cast(literal(None), WIDE_INTEGER), 0)
            case ast.Field(path=path):
                return self.number_fact(path, _kind(node))
            case ast.Negate(operand=operand):
                inner = self.number(operand)
                return _Fixed(-inner.units, inner.scale)
            case ast.Arith():
                return self.arithmetic(node)
            case ast.Call(name="min" | "max" as name, args=args):
                values, scale = _aligned([self.number(a) for a in args])
                wins = operator.le if name == "min" else operator.ge
                return _Fixed(_extreme(values, wins), scale)
            case ast.Call(
                name="years_between" | "months_between" | "days_between" as name,
                args=(start, end),
            ):
                periods = _whole_periods(self.value(start), self.value(end), name)
                return _Fixed(cast(periods, WIDE_INTEGER), 0)
            case ast.Call(name="year", args=(day,)):
                return _Fixed(_date_part(self.value(day), "year"), 0)
            case ast.If(condition=condition, then=then, otherwise=otherwise):
                (yes, no), scale = _aligned([self.number(then), self.number(otherwise)])
                return _Fixed(case({True: yes, False: no}, value=self.value(condition)), scale)
        raise TypeError(f"not a numeric expression: {node!r}")

    def number_fact(self, path: str, kind: Kind) -> _Fixed:
        column = self.fact(path)
        if kind is Kind.INT:
            return _Fixed(cast(column, WIDE_INTEGER), 0)
        scale = getattr(column.type, "scale", None)
        if not isinstance(scale, int):
            raise TypeError(f"decimal fact {path} needs a NUMERIC type with a scale")
        return _Fixed(exact_units(column, scale), scale)

    def arithmetic(self, node: ast.Arith) -> _Fixed:
        left, right = self.number(node.left), self.number(node.right)
        if node.op == "*":
            return _Fixed(left.units * right.units, left.scale + right.scale)
        if node.op == "/":
            scale = max(left.scale, QUOTIENT_SCALE)
            dividend = left.at(scale + right.scale)
            return _Fixed(_IntDiv(dividend, func.nullif(right.units, 0)), scale)
        (a, b), scale = _aligned([left, right])
        return _Fixed(a + b if node.op == "+" else a - b, scale)

    def compare(self, node: ast.Compare) -> ColumnElement[Any]:
        if _is_numeric(node.left):
            (a, b), _ = _aligned([self.number(node.left), self.number(node.right)])
        else:
            a, b = self.value(node.left), self.value(node.right)
        compared: ColumnElement[Any] = ast.COMPARISONS[node.op](a, b)
        return compared

    def membership(self, node: ast.InList) -> ColumnElement[Any]:
        items = [item.value for item in node.items if isinstance(item, ast.Literal)]
        if _is_numeric(node.operand):
            operand = self.number(node.operand)
            exact = [_decimal_units(v) for v in items if isinstance(v, int | Decimal)]
            scale = max([operand.scale, *(s for _, s in exact)])
            subject = operand.at(scale)
            members: list[Any] = [u * 10 ** (scale - s) for u, s in exact]
        else:
            subject, members = self.value(node.operand), items
        return subject.not_in(members) if node.negated else subject.in_(members)


def _kind(node: ast.Node) -> Kind:
    assert node.type is not None, "node was not type-checked"
    return node.type.kind


def _is_numeric(node: ast.Node) -> bool:
    return _kind(node) in (Kind.INT, Kind.DECIMAL)


def compile_sql(node: ast.Node, facts: SqlFacts) -> ColumnElement[Any]:
    """The value of a boolean, integer, text or date expression, NULL when unknown.

    ``node`` is a type-checked AST; ``facts`` maps every fact path it reads to a typed SQL
    expression. A decimal expression has no portable exact SQL value: use
    :func:`compile_fen`.
    """
    if _kind(node) is Kind.DECIMAL:
        raise TypeError("a decimal expression compiles with compile_fen")
    compiler = _SqlCompiler(facts)
    if _kind(node) is Kind.INT:
        return compiler.number(node).units
    return compiler.value(node)


def compile_fen(node: ast.Node, facts: SqlFacts) -> ColumnElement[Any]:
    """The value of a numeric expression in whole fen, rounded ROUND_HALF_UP; NULL when unknown.

    ``Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100`` of the evaluator, as an
    exact integer.
    """
    number = _SqlCompiler(facts).number(node)
    if number.scale <= FEN_SCALE:
        return _Exact(number.at(FEN_SCALE))
    divisor = 10 ** (number.scale - FEN_SCALE)
    units = number.units
    sign = case((units < 0, -1), else_=1)
    away_from_zero = sign * _IntDiv(func.abs(units) + divisor // 2, divisor)
    return _Exact(away_from_zero)
