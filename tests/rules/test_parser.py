from datetime import date
from decimal import Decimal

import pytest

from matcher.rules import ast
from matcher.rules.errors import Position, RuleSyntaxError
from matcher.rules.parser import MAX_EXPRESSION_LENGTH, parse


def test_precedence_and_binds_tighter_than_or() -> None:
    node = parse("a or b and c")
    assert isinstance(node, ast.Logical) and node.op == "or"
    assert isinstance(node.right, ast.Logical) and node.right.op == "and"


def test_arithmetic_precedence_and_literals() -> None:
    node = parse("1 + 0.20 * x")
    assert isinstance(node, ast.Arith) and node.op == "+"
    assert node.left == ast.Literal(1, pos=Position(1, 1))
    assert isinstance(node.right, ast.Arith)
    assert node.right.left == ast.Literal(Decimal("0.20"), pos=Position(1, 5))


def test_dotted_path_and_call() -> None:
    node = parse("years_between(enterprise.registered_on, as_of) >= 1")
    assert isinstance(node, ast.Compare) and node.op == ">="
    assert isinstance(node.left, ast.Call) and node.left.name == "years_between"
    assert [a.path for a in node.left.args if isinstance(a, ast.Field)] == [
        "enterprise.registered_on",
        "as_of",
    ]


def test_date_literal() -> None:
    node = parse('as_of >= date("2020-06-22")')
    assert isinstance(node, ast.Compare)
    assert node.right == ast.Literal(date(2020, 6, 22), pos=Position(1, 10))


def test_in_not_in_and_if() -> None:
    node = parse('x not in ["a", "b"]')
    assert isinstance(node, ast.InList) and node.negated
    assert [i.value for i in node.items if isinstance(i, ast.Literal)] == ["a", "b"]
    conditional = parse("if x == 1 then 2 else 3")
    assert isinstance(conditional, ast.If)


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "表达式为空", Position(1, 1)),
        ("1 +", "表达式不完整", Position(1, 3)),
        ("a ? b", "无法识别的字符 '?'", Position(1, 3)),
        ("and", "此处不应出现 'and'", Position(1, 1)),
        ('date("2020-02-30")', "日期 '2020-02-30' 无效，应写作 YYYY-MM-DD", Position(1, 1)),
        ("x" * (MAX_EXPRESSION_LENGTH + 1), "表达式过长（超过 4000 个字符）", Position(1, 1)),
    ],
)
def test_syntax_errors_name_the_position(text: str, message: str, position: Position) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.position == position


def test_keywords_are_not_names() -> None:
    with pytest.raises(RuleSyntaxError):
        parse("true.x == 1")
