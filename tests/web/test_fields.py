from datetime import date
from decimal import Decimal

import pytest

from matcher.rules.ast import Value
from matcher.web.fields import FieldInvalid, FieldKind, FieldSpec, parse_date, parse_field

INTEGER = FieldSpec("employees", "从业人数", FieldKind.INTEGER)
MONEY = FieldSpec("operating_revenue", "营业收入（元）", FieldKind.MONEY)
DATE = FieldSpec("registered_on", "登记注册日期", FieldKind.DATE)
YES_NO = FieldSpec("exporter", "有出口业务", FieldKind.YES_NO, (("true", "是"), ("false", "否")))
CHOICE = FieldSpec(
    "credit_list", "信用红黑榜", FieldKind.CHOICE, (("red", "红榜"), ("none", "未上榜"))
)
TEXT = FieldSpec("name", "企业名称", FieldKind.TEXT)


@pytest.mark.parametrize("spec", [INTEGER, MONEY, DATE, YES_NO, CHOICE, TEXT])
@pytest.mark.parametrize("typed", [None, "", "   "])
def test_an_empty_field_is_unknown(spec: FieldSpec, typed: str | None) -> None:
    assert parse_field(spec, typed) is None


@pytest.mark.parametrize(
    ("spec", "typed", "value"),
    [
        (INTEGER, "86", 86),
        (INTEGER, " ８６ ", 86),
        (INTEGER, "-3", -3),
        (MONEY, "1250000", Decimal("1250000")),
        (MONEY, "1,250,000.50", Decimal("1250000.50")),
        (MONEY, "１２５０．５", Decimal("1250.5")),
        (MONEY, "-2400", Decimal("-2400")),
        (DATE, "2019-09-16", date(2019, 9, 16)),
        (YES_NO, "true", True),
        (YES_NO, "false", False),
        (CHOICE, "red", "red"),
        (TEXT, " 济源市银辉（集团）有限公司 ", "济源市银辉（集团）有限公司"),
    ],
)
def test_text_is_read_by_the_kind_of_field(spec: FieldSpec, typed: str, value: Value) -> None:
    parsed = parse_field(spec, typed)
    assert parsed == value
    assert type(parsed) is type(value)


@pytest.mark.parametrize(
    ("spec", "typed", "message"),
    [
        (INTEGER, "86.0", "应为整数"),
        (INTEGER, "八十六", "应为整数"),
        (INTEGER, "1_000", "应为整数"),
        (INTEGER, "9" * 5000, "数值过大"),
        (MONEY, "12,34", "应为以元为单位的数值"),
        (MONEY, "3千万", "应为以元为单位的数值"),
        (MONEY, "1e6", "应为以元为单位的数值"),
        (DATE, "2019/09/16", "应为日期（YYYY-MM-DD）"),
        (DATE, "20190916", "应为日期（YYYY-MM-DD）"),
        (DATE, "2019-02-29", "日期不存在"),
        (YES_NO, "yes", "请选择"),
        (CHOICE, "green", "请从列表中选择"),
    ],
)
def test_text_of_the_wrong_shape_is_refused_with_a_reason(
    spec: FieldSpec, typed: str, message: str
) -> None:
    with pytest.raises(FieldInvalid, match=message):
        parse_field(spec, typed)


def test_parse_date() -> None:
    assert parse_date(None) is None
    assert parse_date("２０２０-０８-０１") == date(2020, 8, 1)
    with pytest.raises(FieldInvalid):
        parse_date("yesterday")
