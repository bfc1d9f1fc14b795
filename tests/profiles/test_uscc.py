import pytest

from matcher.profiles.uscc import InvalidUSCC, normalize, region_code, validate


@pytest.mark.parametrize(
    "typed",
    [
        "91110000600037341L",
        " 9111 0000 6000 3734 1l ",
        "９１１１００００６０００３７３４１Ｌ",
        "91110000-600037341L",
    ],
)
def test_normalises_what_people_type(typed: str) -> None:
    assert validate(typed) == "91110000600037341L"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341M", "校验码错误"),
        ("9111000060003734", "长度应为18位"),
        ("9111000060003734IL", "只能由数字和大写字母组成（不含 I、O、Z、S、V）"),
    ],
)
def test_invalid_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(InvalidUSCC) as caught:
        validate(code)
    assert caught.value.reason == reason
    assert str(caught.value) == f"统一社会信用代码 {code!r} 无效：{reason}"


def test_region_code_and_normalize() -> None:
    assert region_code(normalize("91419001ma4000000c")) == "419001"
