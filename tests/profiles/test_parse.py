import json

import pytest

from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.parse import parse_profile, parse_profile_json

VALID = {"uscc": "91419001MA4000000C", "name": "测试企业"}


def _errors(data: dict[str, object]) -> list[FieldError]:
    with pytest.raises(ProfileError) as caught:
        parse_profile_json(json.dumps(data))
    return caught.value.errors


def test_a_minimal_profile_leaves_every_fact_unknown() -> None:
    profile = parse_profile(VALID)
    assert profile.employees is None and profile.registered_on is None
    assert profile.founders == ()


def test_impossible_values_get_field_level_errors() -> None:
    errors = _errors(
        {
            **VALID,
            "uscc": "91419001MA4000000D",
            "employees": -1,
            "registered_on": "2999-01-01",
            "industry_code": "Z99",
            "export_rebate_class": 5,
            "colour": "red",
        }
    )
    assert {(e.field, e.code, e.message) for e in errors} == {
        ("uscc", "value_error", "统一社会信用代码 '91419001MA4000000D' 无效：校验码错误"),
        ("employees", "greater_than_equal", "不能小于 0"),
        ("registered_on", "value_error", "日期不能晚于今天"),
        ("industry_code", "string_pattern_mismatch", "格式不正确"),
        ("export_rebate_class", "less_than_equal", "不能大于 4"),
        ("colour", "extra_forbidden", "未知字段"),
    }


def test_strings_are_never_read_as_numbers() -> None:
    errors = _errors({**VALID, "employees": "12", "exporter": "yes"})
    assert [(e.field, e.message) for e in errors] == [
        ("employees", "应为整数"),
        ("exporter", "应为 true 或 false"),
    ]


def test_money_accepts_decimal_text_and_rejects_fractions_of_a_fen() -> None:
    profile = parse_profile_json(json.dumps({**VALID, "operating_revenue": "12.50"}))
    assert str(profile.operating_revenue) == "12.50"
    errors = _errors({**VALID, "operating_revenue": "12.505"})
    assert [(e.field, e.message) for e in errors] == [("operating_revenue", "最多 2 位小数")]


def test_malformed_json() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile_json("{not json")
    assert caught.value.errors[0].code == "json_invalid"
    assert caught.value.errors[0].message.startswith("不是有效的 JSON")


def test_founders_are_known_only_by_hash() -> None:
    errors = _errors({**VALID, "founders": [{"id_hash": "410101199001011234"}]})
    assert [(e.field, e.code) for e in errors] == [
        ("founders.0.id_hash", "string_pattern_mismatch")
    ]
