from datetime import date
from decimal import Decimal

import pytest

from matcher.rules import Schema, compile_expression
from matcher.rules import types as rt
from matcher.rules.ast import Value

U = None  # unknown


@pytest.mark.parametrize(
    ("a", "b", "conjunction", "disjunction"),
    [
        (True, True, True, True),
        (True, False, False, True),
        (False, U, False, U),
        (U, False, False, U),
        (True, U, U, True),
        (U, True, U, True),
        (U, U, U, U),
    ],
)
def test_kleene_logic(
    schema: Schema, a: bool | None, b: bool | None, conjunction: Value, disjunction: Value
) -> None:
    facts = {"enterprise.red_listed": a, "enterprise.employees": None if b is None else int(b)}
    left, right = "enterprise.red_listed", "enterprise.employees > 0"
    assert compile_expression(f"{left} and {right}", schema).evaluate(facts) is conjunction
    assert compile_expression(f"{left} or {right}", schema).evaluate(facts) is disjunction


def test_missing_fact_is_unknown_not_false(schema: Schema) -> None:
    expression = compile_expression("enterprise.employees < 300", schema)
    assert expression.evaluate({}) is None
    assert compile_expression("not (enterprise.employees < 300)", schema).evaluate({}) is None
    assert compile_expression("enterprise.employees not in [1, 2]", schema).evaluate({}) is None


def test_money_is_decimal_and_exact(schema: Schema) -> None:
    amount = compile_expression("min(0.20 * claim.amount, 300000)", schema)
    assert amount.evaluate({"claim.amount": Decimal("12345.67")}) == Decimal("2469.1340")
    assert amount.evaluate({"claim.amount": Decimal("2000000")}) == 300000
    assert amount.evaluate({}) is None


def test_division_by_zero_is_unknown(schema: Schema) -> None:
    ratio = compile_expression("enterprise.revenue / enterprise.employees", schema)
    assert ratio.evaluate({"enterprise.revenue": Decimal(10), "enterprise.employees": 0}) is None
    assert ratio.evaluate(
        {"enterprise.revenue": Decimal(10), "enterprise.employees": 4}
    ) == Decimal("2.5")


def test_conditional_with_unknown_condition_is_unknown(schema: Schema) -> None:
    days = compile_expression("if enterprise.red_listed then 2 else 8", schema)
    assert days.evaluate({"enterprise.red_listed": True}) == 2
    assert days.evaluate({"enterprise.red_listed": False}) == 8
    assert days.evaluate({}) is None


def test_dates_and_durations(schema: Schema) -> None:
    rule = compile_expression("years_between(enterprise.registered_on, as_of) >= 1", schema)
    facts = {"enterprise.registered_on": date(2020, 3, 15)}
    assert rule.evaluate({**facts, "as_of": date(2021, 3, 14)}) is False
    assert rule.evaluate({**facts, "as_of": date(2021, 3, 15)}) is True
    assert rule.evaluate({"as_of": date(2021, 3, 15)}) is None


def test_text_prefixes_and_calendar_years(schema: Schema) -> None:
    prefix = compile_expression('starts_with(enterprise.name, "C")', schema, rt.BOOL)
    assert prefix.evaluate({"enterprise.name": "C3253"}) is True
    assert prefix.evaluate({"enterprise.name": "c3253"}) is False
    assert prefix.evaluate({}) is None
    tax_year = compile_expression("year(as_of) - 1", schema, rt.INT)
    assert tax_year.evaluate({"as_of": date(2021, 1, 1)}) == 2020
    assert tax_year.evaluate({}) is None


def test_negation_and_enum_membership(schema: Schema) -> None:
    assert compile_expression("-enterprise.employees < 0", schema).evaluate(
        {"enterprise.employees": 3}
    )
    sme = compile_expression('enterprise.size_class in ["medium", "small", "micro"]', schema)
    assert sme.evaluate({"enterprise.size_class": "small"}) is True
    assert sme.evaluate({"enterprise.size_class": "large"}) is False
