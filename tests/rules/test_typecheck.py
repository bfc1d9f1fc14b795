import pytest

from matcher.rules import RuleTypeError, Schema, compile_expression
from matcher.rules import types as rt
from matcher.rules.errors import Position


def test_unknown_field_suggests_the_closest(schema: Schema) -> None:
    with pytest.raises(RuleTypeError) as caught:
        compile_expression("enterprise.employes < 300", schema, rt.BOOL)
    assert caught.value.message == "未知字段 enterprise.employes，是否想写 enterprise.employees？"
    assert caught.value.position == Position(1, 1)


def test_unknown_function_lists_the_known_ones(schema: Schema) -> None:
    with pytest.raises(RuleTypeError, match="未知函数 sqrt（可用：days_between、max、min"):
        compile_expression("sqrt(enterprise.employees) > 1", schema, rt.BOOL)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('enterprise.employees < "300"', "不能用 < 比较整数与文本"),
        ("enterprise.registered_on >= 1", "不能用 >= 比较日期与整数"),
        ('enterprise.size_class == "tiny"', "'tiny' 不是可选值之一（large、medium、micro、small）"),
        (
            'enterprise.size_class in ["small", "tiny"]',
            "'tiny' 不是可选值之一（large、medium、micro、small）",
        ),
        ("enterprise.name > enterprise.name", "文本不能用 > 比较大小"),
        ("enterprise.employees and enterprise.red_listed", "and 需要布尔值，这里是整数"),
        ("years_between(enterprise.employees, as_of) > 1", "函数 years_between 需要两个日期参数"),
        ('starts_with(enterprise.employees, "C")', "函数 starts_with 需要两个文本参数"),
        ("starts_with(enterprise.name)", "函数 starts_with 需要两个文本参数"),
        ("year(enterprise.name) > 2020", "函数 year 需要一个日期参数"),
        ("year(as_of, as_of) > 2020", "函数 year 需要一个日期参数"),
        ("if enterprise.red_listed then 1 else as_of", "if 的两个分支类型不同：整数与日期"),
        ('enterprise.revenue + "x" > 1', "运算 + 需要数值，这里是数值与文本"),
        ("enterprise.employees in [enterprise.employees]", "in 的列表只能包含常量"),
    ],
)
def test_type_errors(schema: Schema, text: str, message: str) -> None:
    with pytest.raises(RuleTypeError) as caught:
        compile_expression(text, schema, rt.BOOL)
    assert caught.value.message == message


def test_expected_type_is_enforced(schema: Schema) -> None:
    with pytest.raises(RuleTypeError, match="此处需要布尔值，表达式的结果是整数"):
        compile_expression("enterprise.employees + 1", schema, rt.BOOL)
    amount = compile_expression("min(0.2 * claim.amount, 300000)", schema, rt.DECIMAL)
    assert amount.type == rt.DECIMAL


def test_integer_arithmetic_stays_integer_except_division(schema: Schema) -> None:
    assert compile_expression("enterprise.employees * 2", schema).type == rt.INT
    assert compile_expression("enterprise.employees / 2", schema).type == rt.DECIMAL


def test_fields_are_listed_once_in_source_order(schema: Schema) -> None:
    expression = compile_expression(
        "enterprise.employees > 1 and enterprise.red_listed or enterprise.employees < 9", schema
    )
    assert expression.fields == ("enterprise.employees", "enterprise.red_listed")
