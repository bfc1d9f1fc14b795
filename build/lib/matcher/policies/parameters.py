"""A policy's dated parameters as rule-language expressions, and the values they take.

``param.<name>`` in a policy's expressions stands for an ``if`` chain that picks the value in
force on the evaluation date (``by: date``) or for the enterprise's tax year
(``by: tax_year``); outside every value's period it is unknown. Both back ends run the
chain unchanged, so one enterprise and a whole population see the same value.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from matcher.policies.model import Parameter, ParameterValue, Policy
from matcher.rules import ast
from matcher.rules import types as rt
from matcher.rules.errors import Position

PREFIX = "param."
TAX_YEAR_FACT = "enterprise.fiscal_year"
_AT = Position(1, 1)


def _periods(parameter: Parameter) -> list[tuple[ParameterValue, date | None]]:
    """Each value with its last day: its own ``until``, else the day before the next value."""
    periods = []
    for index, value in enumerate(parameter.values):
        following = parameter.values[index + 1] if index + 1 < len(parameter.values) else None
        last = value.until
        if last is None and following is not None:
            last = following.start - timedelta(days=1)
        periods.append((value, last))
    return periods


def _bound(parameter: Parameter, day: date) -> ast.Literal:
    return ast.Literal(day.year if parameter.by == "tax_year" else day, pos=_AT)


def _definition(parameter: Parameter) -> ast.Node:
    index = ast.Field(TAX_YEAR_FACT if parameter.by == "tax_year" else "as_of", pos=_AT)
    chain: ast.Node = ast.Literal(None, pos=_AT, type=rt.DECIMAL)
    for value, last in _periods(parameter):
        condition: ast.Node = ast.Compare(">=", index, _bound(parameter, value.start), pos=_AT)
        if last is not None:
            within = ast.Compare("<=", index, _bound(parameter, last), pos=_AT)
            condition = ast.Logical("and", condition, within, pos=_AT)
        chain = ast.If(condition, ast.Literal(value.value, pos=_AT), chain, pos=_AT)
    return chain


def definitions(policy: Policy) -> dict[str, ast.Node]:
    """``param.<name>`` → the expression that picks its value."""
    return {PREFIX + name: _definition(p) for name, p in policy.parameters.items()}


@dataclass(slots=True)
class ParameterReading:
    """The value a parameter took in one evaluation, and the clause that sets it."""

    name: str
    label: str
    unit: str
    value: Decimal | None
    start: date | None
    until: date | None
    source: str | None
    clause: str | None


def index_day(parameter: Parameter, as_of: date, tax_year: object) -> date | None:
    """The day whose value applies: ``as_of``, or 1 January of the tax year (if known)."""
    if parameter.by == "date":
        return as_of
    return date(tax_year, 1, 1) if isinstance(tax_year, int) and tax_year > 0 else None


def _reading(name: str, parameter: Parameter, day: date | None) -> ParameterReading:
    for value, last in _periods(parameter):
        if day is not None and value.start <= day and (last is None or day <= last):
            return ParameterReading(
                name,
                parameter.label,
                parameter.unit,
                value.value,
                value.start,
                last,
                value.source,
                value.clause,
            )
    return ParameterReading(name, parameter.label, parameter.unit, None, None, None, None, None)


def readings(policy: Policy, as_of: date, tax_year: object) -> tuple[ParameterReading, ...]:
    """Every parameter of ``policy`` as it applies on ``as_of`` to an enterprise's tax year."""
    return tuple(
        _reading(name, parameter, index_day(parameter, as_of, tax_year))
        for name, parameter in policy.parameters.items()
    )
