"""The SQL back end of the rule language, on SQLite and PostgreSQL, against the evaluator."""

import itertools
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Engine,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    cast,
    delete,
    insert,
    literal,
    null,
    select,
    type_coerce,
)

from matcher.rules import Expression, FactSpec, Schema, compile_expression
from matcher.rules import types as rt
from matcher.rules.functions import DATE_OF_THRESHOLD, add_months
from matcher.rules.sql import DATE_OF_THRESHOLD_SQL, compile_fen, compile_sql

AS_OF = date(2021, 3, 1)
FEN = Decimal("0.01")
SIZES = ("large", "medium", "small", "micro")

FACTS = MetaData()
rule_facts = Table(
    "rule_facts",
    FACTS,
    Column("id", Integer, primary_key=True),
    Column("int_a", Integer),
    Column("int_b", Integer),
    Column("money_a", Numeric(18, 2)),
    Column("money_b", Numeric(18, 2)),
    Column("day_a", Date),
    Column("day_b", Date),
    Column("flag_a", Boolean),
    Column("flag_b", Boolean),
    Column("size", String(16)),
    Column("text_a", String(16)),
    Column("text_b", String(16)),
)
COLUMNS = [c.name for c in rule_facts.columns if c.name != "id"]
_TYPES = {
    "int": rt.INT,
    "money": rt.DECIMAL,
    "day": rt.DATE,
    "flag": rt.BOOL,
    "size": rt.enum(*SIZES),
    "text": rt.TEXT,
}
SCHEMA = Schema(
    [
        *(FactSpec(f"x.{name}", _TYPES[name.split("_")[0]], name) for name in COLUMNS),
        FactSpec("as_of", rt.DATE, "评估日期"),
        FactSpec("claim.amount", rt.DECIMAL, "交易额"),
    ]
)
SQL_FACTS: dict[str, ColumnElement[Any]] = {
    **{f"x.{name}": rule_facts.c[name] for name in COLUMNS},
    "as_of": literal(AS_OF, Date()),
    "claim.amount": cast(null(), Numeric(18, 2)),
}
EMPTY: dict[str, Any] = dict.fromkeys(COLUMNS)


@pytest.fixture(scope="module")
def facts_engine(migrated_engine: Engine) -> Iterator[Engine]:
    FACTS.create_all(migrated_engine)
    yield migrated_engine
    FACTS.drop_all(migrated_engine)


@cache
def _compiled(text: str) -> Expression:
    return compile_expression(text, SCHEMA)


def _python(text: str, row: dict[str, Any]) -> Any:
    expression = _compiled(text)
    facts = {f"x.{name}": row[name] for name in COLUMNS} | {"as_of": AS_OF}
    value = expression.evaluate(facts)
    if expression.type.kind is rt.Kind.DECIMAL and value is not None:
        return int(Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP) * 100)
    return value


def _sql_column(text: str) -> ColumnElement[Any]:
    node = _compiled(text).node
    kind = node.type.kind if node.type else None
    if kind is rt.Kind.DECIMAL:
        return compile_fen(node, SQL_FACTS)
    column = compile_sql(node, SQL_FACTS)
    if kind is rt.Kind.BOOL:
        return type_coerce(column, Boolean())
    if kind is rt.Kind.DATE:
        return type_coerce(column, Date())
    return column


def _normalise(value: Any) -> Any:
    """Integers come back as Decimal from PostgreSQL's NUMERIC."""
    if isinstance(value, Decimal):
        return int(value)
    return value


def _sql(engine: Engine, texts: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    with engine.begin() as connection:
        connection.execute(delete(rule_facts))
        connection.execute(insert(rule_facts), [{"id": i, **r} for i, r in enumerate(rows)])
        columns = [_sql_column(text) for text in texts]
        result = connection.execute(select(*columns).select_from(rule_facts).order_by("id"))
        return [[_normalise(v) for v in row] for row in result]


def _assert_agree(engine: Engine, texts: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    got = _sql(engine, texts, rows)
    for row, values in zip(rows, got, strict=True):
        for text, value in zip(texts, values, strict=True):
            assert value == _python(text, row), (text, row)


ROWS = [
    EMPTY,
    EMPTY
    | {
        "int_a": 7,
        "int_b": 0,
        "money_a": Decimal("0.01"),
        "money_b": Decimal("-0.01"),
        "day_a": date(2020, 2, 29),
        "day_b": date(2021, 2, 28),
        "flag_a": True,
        "flag_b": False,
        "size": "small",
        "text_a": "C3253",
        "text_b": "C",
    },
    EMPTY
    | {
        "int_a": -3,
        "int_b": 300,
        "money_a": Decimal("0.40"),
        "money_b": Decimal("9999999.99"),
        "day_a": date(2021, 3, 1),
        "day_b": date(2019, 9, 16),
        "flag_a": False,
        "size": "large",
        "text_a": "c3253",
        "text_b": "C3",
    },
]

CONSTRUCTS = [
    "true",
    "false and x.flag_a",
    "true or x.flag_a",
    "x.flag_a and x.flag_b",
    "x.flag_a or x.flag_b",
    "not x.flag_a",
    "x.flag_a == true",
    "x.flag_a != x.flag_b",
    'x.size == "small"',
    'x.size != "small"',
    'x.size in ["small", "micro"]',
    'x.size not in ["small", "micro"]',
    "x.int_a in [7, 300]",
    "x.int_a not in [7, 2.5]",
    "x.money_a in [0.01, 0.4]",
    "x.int_a < x.int_b",
    "x.int_a <= 7",
    "x.money_a > 0",
    "x.money_a >= x.int_a",
    "x.day_a < x.day_b",
    'x.day_a >= date("2020-02-29")',
    "as_of > x.day_a",
    "claim.amount > 0",
    "x.int_a + x.int_b * 2 - 1",
    "-x.int_a",
    "-x.money_b",
    "x.money_a + x.money_b",
    "x.money_a * 0.5",
    "0.75 * x.money_a * (if x.flag_a then 0.15 else 0.25)",
    "x.int_a / 3",
    "x.money_b / 8",
    "x.int_a / x.int_b",
    "x.int_a / x.int_b > 1",
    "min(x.int_a, 5)",
    "max(x.int_a, x.int_b, 5)",
    "min(0.20 * claim.amount, 300000)",
    "min(x.money_a, 0.5, x.int_a)",
    "if x.flag_a then 1 else 2",
    "if x.flag_b then x.money_a else x.int_a",
    'if x.flag_a then "small" == x.size else false',
    "if x.flag_a then x.day_a else as_of",
    "if x.int_a > 0 then x.flag_a else x.flag_b",
    "years_between(x.day_a, x.day_b)",
    "months_between(x.day_a, x.day_b)",
    "days_between(x.day_a, x.day_b)",
    "years_between(x.day_a, as_of) >= 1",
    'starts_with(x.text_a, "C")',
    "starts_with(x.text_a, x.text_b)",
    'starts_with(x.size, "s")',
    "year(x.day_a)",
    "year(as_of) - year(x.day_b)",
    "year(x.day_a) >= 2021",
    "x.money_a * 1",
    "x.int_a * 100 >= x.int_b * (if x.int_b > 100 then 8 else 15)",
]


@pytest.mark.parametrize("text", CONSTRUCTS)
def test_construct_agrees_with_the_evaluator(facts_engine: Engine, text: str) -> None:
    _assert_agree(facts_engine, [text], ROWS)


UNKNOWN_SEMANTICS = [
    # Kleene logic: a known operand may decide.
    ("x.flag_a and false", {}, False),
    ("x.flag_a or true", {}, True),
    ("x.flag_a and true", {}, None),
    ("not x.flag_a", {}, None),
    # An unknown condition is unknown, not the else branch (SQL's CASE would take it).
    ("if x.flag_a then 1 else 2", {}, None),
    ("if x.flag_a then 1 else 2", {"flag_a": False}, 2),
    # Any unknown argument makes min/max unknown (PostgreSQL's LEAST would skip it).
    ("min(x.int_a, 5)", {}, None),
    ("max(x.int_a, 5, 7) > 0", {}, None),
    ("min(x.int_a, 5, 7)", {"int_a": 6}, 5),
    # Division by zero is unknown.
    ("x.int_a / x.int_b > 1", {"int_a": 1, "int_b": 0}, None),
    ("x.int_a / 0", {"int_a": 1}, None),
    ('x.size in ["small"]', {}, None),
    ('x.size not in ["small"]', {}, None),
    ("x.int_a == x.int_a", {}, None),
    ("claim.amount > 0", {}, None),
    ("years_between(x.day_a, as_of)", {}, None),
    ('starts_with(x.text_a, "C")', {}, None),
    ("starts_with(x.text_a, x.text_b)", {"text_a": "C3253"}, None),
    ("year(x.day_a)", {}, None),
    # A prefix is compared character by character: case counts, % and _ are plain characters.
    ('starts_with(x.text_a, "C")', {"text_a": "c3253"}, False),
    ('starts_with(x.text_a, "C3_")', {"text_a": "C3253"}, False),
    ('starts_with(x.text_a, "C%")', {"text_a": "C3253"}, False),
    ('starts_with(x.text_a, "C%")', {"text_a": "C%53"}, True),
    ('starts_with(x.text_a, "C3253 ")', {"text_a": "C3253"}, False),
    ('starts_with(x.text_a, "")', {"text_a": "C3253"}, True),
    ('starts_with(x.text_a, "济源")', {"text_a": "济源市银业"}, True),
    ('starts_with(x.text_a, "济南")', {"text_a": "济源市银业"}, False),
    # The calendar year, as in a tax year.
    ("year(x.day_a)", {"day_a": date(2020, 12, 31)}, 2020),
    ("year(x.day_a)", {"day_a": date(2021, 1, 1)}, 2021),
    ("year(as_of) - 1", {}, 2020),
    # ROUND_HALF_UP to the fen: ties away from zero.
    ("x.money_a * 0.5", {"money_a": Decimal("0.01")}, 1),
    ("x.money_a * 0.5", {"money_a": Decimal("-0.01")}, -1),
    ("0.75 * x.money_a * 0.15", {"money_a": Decimal("0.40")}, 5),
    ("x.int_a / 3", {"int_a": 2}, 67),
    # Whole years and months count the anniversary on its day.
    (
        "years_between(x.day_a, x.day_b)",
        {"day_a": date(2020, 2, 29), "day_b": date(2021, 2, 28)},
        0,
    ),
    ("years_between(x.day_a, x.day_b)", {"day_a": date(2020, 2, 29), "day_b": date(2021, 3, 1)}, 1),
    (
        "years_between(x.day_a, x.day_b)",
        {"day_a": date(2020, 8, 1), "day_b": date(2019, 9, 16)},
        -1,
    ),
    (
        "months_between(x.day_a, x.day_b)",
        {"day_a": date(2021, 1, 31), "day_b": date(2021, 2, 28)},
        0,
    ),
    (
        "months_between(x.day_a, x.day_b)",
        {"day_a": date(2021, 1, 31), "day_b": date(2021, 3, 1)},
        1,
    ),
    ("days_between(x.day_a, x.day_b)", {"day_a": date(2020, 2, 28), "day_b": date(2020, 3, 1)}, 2),
]


@pytest.mark.parametrize(("text", "row", "expected"), UNKNOWN_SEMANTICS)
def test_sql_semantics(facts_engine: Engine, text: str, row: dict[str, Any], expected: Any) -> None:
    [[value]] = _sql(facts_engine, [text], [EMPTY | row])
    assert value == expected
    assert _python(text, EMPTY | row) == expected


DAYS = [
    date(2019, 2, 28),
    date(2019, 3, 1),
    date(2019, 12, 31),
    date(2020, 1, 1),
    date(2020, 1, 30),
    date(2020, 1, 31),
    date(2020, 2, 28),
    date(2020, 2, 29),
    date(2020, 3, 1),
    date(2020, 3, 31),
    date(2020, 4, 30),
    date(2021, 2, 28),
    date(2021, 3, 1),
    date(2024, 2, 29),
    date(1999, 12, 31),
]


def test_date_differences_on_every_pair(facts_engine: Engine) -> None:
    rows = [EMPTY | {"day_a": a, "day_b": b} for a, b in itertools.product(DAYS, DAYS)]
    texts = [f"{f}(x.day_a, x.day_b)" for f in DATE_OF_THRESHOLD]
    _assert_agree(facts_engine, texts, rows)


@pytest.mark.parametrize("function", sorted(DATE_OF_THRESHOLD))
def test_threshold_dates(facts_engine: Engine, function: str) -> None:
    counts = [-13, -1, 0, 1, 2, 11, 12, 13, 48]
    rows = [EMPTY | {"day_a": d, "int_a": n} for d, n in itertools.product(DAYS, counts)]
    solved = DATE_OF_THRESHOLD_SQL[function](rule_facts.c.day_a, rule_facts.c.int_a)
    with facts_engine.begin() as connection:
        connection.execute(delete(rule_facts))
        connection.execute(insert(rule_facts), [{"id": i, **r} for i, r in enumerate(rows)])
        got = connection.execute(
            select(type_coerce(solved, Date())).select_from(rule_facts).order_by("id")
        ).scalars()
        expected = [DATE_OF_THRESHOLD[function](r["day_a"], r["int_a"]) for r in rows]
        assert list(got) == expected
    assert add_months(date(2021, 1, 31), 1) == date(2021, 3, 1)  # the case SQL must mend


def _cents(cents: Sequence[int]) -> list[dict[str, Any]]:
    return [
        EMPTY | {"money_a": Decimal(c) / 100, "flag_a": c % 2 == 0, "int_a": c % 7 - 3}
        for c in cents
    ]


def test_amounts_are_exact_to_the_fen_for_every_cent(facts_engine: Engine) -> None:
    texts = [
        "0.75 * x.money_a * (if x.flag_a then 0.15 else 0.25)",
        "x.money_a * 0.5",
        "x.money_a / 8",
        "x.money_a * 0.125 - x.int_a * 0.005",
        "min(0.20 * x.money_a, 300000)",
    ]
    _assert_agree(facts_engine, texts, _cents(range(0, 3001)))


def test_amounts_are_exact_up_to_the_documented_bounds(facts_engine: Engine) -> None:
    """Near the bounds of matcher.rules.sql for SQLite's 64-bit integers."""
    near_storage_limit = _cents(range(7 * 10**15 - 200, 7 * 10**15))  # 7 * 10**13 yuan
    texts = ["x.money_a * 1", "x.money_a * 0.5 - x.int_a", "x.money_a > 69999999999999.5"]
    _assert_agree(facts_engine, texts, near_storage_limit)
    two_rates = ["0.75 * x.money_a * (if x.flag_a then 0.15 else 0.25)"]
    _assert_agree(facts_engine, two_rates, _cents(range(49 * 10**14 - 200, 49 * 10**14)))
    quotients = ["x.money_a / 8", "x.money_a / 3"]
    _assert_agree(facts_engine, quotients, _cents(range(9 * 10**14 - 200, 9 * 10**14)))


def test_an_amount_past_sqlite_integers_is_unknown_there_never_wrong(
    facts_engine: Engine,
) -> None:
    text = "x.money_a * 1000000 * 1000000"
    [[value]] = _sql(facts_engine, [text], [EMPTY | {"money_a": Decimal("12345678.91")}])
    exact = _python(text, EMPTY | {"money_a": Decimal("12345678.91")})
    assert value == (None if facts_engine.dialect.name == "sqlite" else exact)


def test_decimal_values_need_compile_fen() -> None:
    node = compile_expression("x.money_a * 2", SCHEMA).node
    with pytest.raises(TypeError, match="compile_fen"):
        compile_sql(node, SQL_FACTS)


# Random expressions. Divisors are such that the quotient is exact at six decimals, and
# factors small enough that no value leaves 64-bit integers (see matcher.rules.sql).

_DAY_LEAVES = st.sampled_from(["x.day_a", "x.day_b", "as_of", 'date("2020-02-29")'])
_TEXT_LEAVES = st.sampled_from(["x.text_a", "x.text_b", "x.size", '"C"', '"C3"', '""', '"s"'])
_TEXTS = st.text(alphabet="Cc3%_ s济", max_size=5)
_FACTORS = st.sampled_from(["x.int_a", "x.int_b", "0", "3", "0.5", "0.75", "1.25", "9.5"])
_NUMBER_LEAVES = _FACTORS | st.sampled_from(["x.money_a", "x.money_b", "claim.amount", "100"])


def _numbers(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _NUMBER_LEAVES
    sub = _numbers(depth - 1)
    return st.one_of(
        _NUMBER_LEAVES,
        st.tuples(sub, st.sampled_from(["+", "-"]), sub).map(lambda t: f"({' '.join(t)})"),
        st.tuples(sub, _FACTORS).map(lambda t: f"({t[0]} * {t[1]})"),
        st.tuples(_NUMBER_LEAVES, st.sampled_from(["0", "2", "8", "16", "25"])).map(
            lambda t: f"({t[0]} / {t[1]})"
        ),
        sub.map(lambda s: f"(-{s})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(sub, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(_booleans(depth - 1), sub, sub).map(
            lambda t: f"(if {t[0]} then {t[1]} else {t[2]})"
        ),
        st.tuples(st.sampled_from(sorted(DATE_OF_THRESHOLD)), _DAY_LEAVES, _DAY_LEAVES).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        _DAY_LEAVES.map(lambda day: f"year({day})"),
    )


def _booleans(depth: int) -> st.SearchStrategy[str]:
    leaves = st.sampled_from(["x.flag_a", "x.flag_b", "true", "false", 'x.size == "small"'])
    if depth == 0:
        return leaves
    sub = _booleans(depth - 1)
    numbers = _numbers(depth - 1)
    compare = st.sampled_from(["<", "<=", "==", "!=", ">=", ">"])
    return st.one_of(
        leaves,
        st.tuples(numbers, compare, numbers).map(lambda t: f"({' '.join(t)})"),
        st.tuples(_DAY_LEAVES, compare, _DAY_LEAVES).map(lambda t: f"({' '.join(t)})"),
        st.tuples(numbers, st.sampled_from(["in", "not in"])).map(
            lambda t: f"({t[0]} {t[1]} [0, 1, 2.5, 100])"
        ),
        st.tuples(
            st.sampled_from(["in", "not in"]), st.lists(st.sampled_from(SIZES), min_size=1)
        ).map(lambda t: f"(x.size {t[0]} [{', '.join(map(repr, t[1]))}])".replace("'", '"')),
        st.tuples(_TEXT_LEAVES, _TEXT_LEAVES).map(lambda t: f"starts_with({t[0]}, {t[1]})"),
        sub.map(lambda s: f"(not {s})"),
        st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(lambda t: f"({' '.join(t)})"),
        st.tuples(sub, sub, sub).map(lambda t: f"(if {t[0]} then {t[1]} else {t[2]})"),
    )


_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "int_a": st.none() | st.integers(-50, 50),
            "int_b": st.none() | st.integers(-50, 50),
            "money_a": st.none() | st.integers(-(10**6), 10**6).map(lambda c: Decimal(c) / 100),
            "money_b": st.none() | st.integers(-(10**6), 10**6).map(lambda c: Decimal(c) / 100),
            "day_a": st.none()
            | st.sampled_from(DAYS)
            | st.dates(date(2015, 1, 1), date(2025, 1, 1)),
            "day_b": st.none() | st.sampled_from(DAYS),
            "flag_a": st.none() | st.booleans(),
            "flag_b": st.none() | st.booleans(),
            "size": st.none() | st.sampled_from(SIZES),
            "text_a": st.none() | _TEXTS,
            "text_b": st.none() | _TEXTS,
        }
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(_booleans(3) | _numbers(3), min_size=1, max_size=6),
    rows=_ROWS,
)
def test_random_expressions_agree_with_the_evaluator(
    facts_engine: Engine, texts: list[str], rows: list[dict[str, Any]]
) -> None:
    _assert_agree(facts_engine, texts, rows)
