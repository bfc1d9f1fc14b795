"""Random text never escapes the language as anything but its own error."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.rules import RuleError, RuleSyntaxError, Schema, compile_expression

TOKENS = st.sampled_from(
    [
        "enterprise.employees",
        "enterprise.revenue",
        "as_of",
        "claim.amount",
        "enterprise.size_class",
        "and",
        "or",
        "not",
        "in",
        "if",
        "then",
        "else",
        "true",
        "false",
        "(",
        ")",
        "[",
        "]",
        ",",
        "+",
        "-",
        "*",
        "/",
        "<",
        "<=",
        "==",
        "!=",
        ">=",
        ">",
        "0",
        "1.5",
        "300000",
        '"small"',
        'date("2020-01-01")',
        "min",
        "max",
        "years_between",
        "year",
        "starts_with",
        ".",
        "date",
        '"',
        "?",
        "中",
    ]
)


def _compile(schema: Schema, text: str) -> None:
    try:
        compile_expression(text, schema)
    except RuleError as error:
        assert error.message


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_rule_errors(schema: Schema, text: str) -> None:
    _compile(schema, text)


@settings(max_examples=600, deadline=None)
@given(st.lists(TOKENS, max_size=25).map(" ".join))
def test_token_soup_raises_only_rule_errors(schema: Schema, text: str) -> None:
    _compile(schema, text)


@pytest.mark.parametrize(
    "text", ["-(" * 999 + "1" + ")" * 999, "not " * 900 + "true", "-" * 3990 + "1"]
)
def test_deep_nesting_is_a_syntax_error(schema: Schema, text: str) -> None:
    with pytest.raises(RuleSyntaxError, match="嵌套过深"):
        compile_expression(text, schema)


def test_redundant_parentheses_are_not_nesting(schema: Schema) -> None:
    assert compile_expression("(" * 1900 + "1" + ")" * 1900, schema).evaluate({}) == 1
