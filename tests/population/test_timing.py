"""The date time alone satisfies a criterion: SQL and Python agree, shape by shape."""

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, Engine, select, type_coerce

from matcher.enterprises.tables import enterprises
from matcher.population.verdict import sql_facts
from matcher.profiles.facts import enterprise_facts
from matcher.profiles.schema import enterprise_schema
from matcher.rules import compile_expression
from matcher.rules.sql_timing import date_satisfied_sql
from matcher.rules.timing import date_satisfied
from tests.population.factories import AS_OF, DAYS, profile, replace_population

PERIODS = ["years_between", "months_between", "days_between"]
_WAITS = st.builds(
    lambda f, op, n: f"{f}(enterprise.registered_on, as_of) {op} {n}",
    st.sampled_from(PERIODS),
    st.sampled_from([">=", ">", "<", "=="]),
    st.sampled_from([0, 1, 2, 12, 30]),
)
_MIRRORED = st.builds(
    lambda f, n: f"{n} <= {f}(enterprise.registered_on, as_of)",
    st.sampled_from(PERIODS),
    st.just(1),
)
_DEADLINES = st.builds(
    lambda op, day: f'as_of {op} date("{day}")',
    st.sampled_from([">=", ">"]),
    st.sampled_from(["2020-06-22", "2021-03-01", "2024-02-29"]),
)
_OTHERS = st.sampled_from(["enterprise.exporter", "enterprise.employees > 10", "true", "false"])
_LEAVES = _WAITS | _MIRRORED | _DEADLINES | _OTHERS
_SHAPES = st.recursive(
    _LEAVES,
    lambda sub: st.builds(
        lambda a, op, b: f"({a} {op} {b})", sub, st.sampled_from(["and", "or"]), sub
    ),
    max_leaves=4,
)
_ENTERPRISES = st.lists(
    st.fixed_dictionaries(
        {
            "region": st.just("419001"),
            "registered_on": st.none() | st.sampled_from(DAYS),
            "exporter": st.none() | st.booleans(),
            "employees": st.none() | st.sampled_from([5, 50]),
        }
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(_SHAPES, min_size=1, max_size=5),
    drawn=_ENTERPRISES,
    as_of=st.sampled_from(AS_OF),
)
def test_sql_dates_agree_with_the_evaluator(
    engine: Engine, texts: list[str], drawn: list[dict[str, Any]], as_of: date
) -> None:
    schema = enterprise_schema()
    nodes = [compile_expression(text, schema).node for text in texts]
    profiles = [profile(data, serial) for serial, data in enumerate(drawn)]
    with engine.begin() as connection:
        replace_population(connection, profiles)
        facts = sql_facts(schema, as_of)
        columns = [date_satisfied_sql(node, facts) for node in nodes]
        selected = [type_coerce(c, Date()) for c in columns if c is not None]
        rows = connection.execute(
            select(enterprises.c.id, *selected).order_by(enterprises.c.id)
        ).all()
    for row, enterprise in zip(rows, profiles, strict=True):
        values, _ = enterprise_facts(enterprise)
        values["as_of"] = as_of
        sql_dates = iter(row[1:])
        for text, node, column in zip(texts, nodes, columns, strict=True):
            expected = date_satisfied(node, values)
            got = None if column is None else next(sql_dates)
            assert got == expected, (text, row[0])
