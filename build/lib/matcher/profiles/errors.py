"""Field-level errors for an invalid profile, worded for people (Chinese), keyed for programs."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "未知字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本",
    "decimal_type": "应为数值",
    "decimal_parsing": "应为数值",
    "is_instance_of": "类型不正确",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "string_pattern_mismatch": "格式不正确",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_max_digits": "数值过大",
    "literal_error": "应为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON：{error}",
    "json_type": "应为 JSON 对象",
    "model_type": "应为对象",
    "tuple_type": "应为列表",
    "dict_type": "应为对象",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem: the field's dotted path, a machine-readable code and a Chinese message."""

    field: str
    code: str
    message: str


class ProfileError(ValueError):
    """A profile that cannot be used; ``errors`` lists every problem found."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def translate(error: Any) -> str:
    """A Chinese message for one of pydantic's error records."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    template = _MESSAGES.get(error["type"])
    if template is None:
        return str(error["msg"])
    context = error.get("ctx") or {}
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Translate pydantic's errors into :class:`FieldError` records."""
    return [
        FieldError(".".join(str(p) for p in error["loc"]) or "$", error["type"], translate(error))
        for error in exc.errors(include_url=False)
    ]
