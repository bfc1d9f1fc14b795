"""The 统一社会信用代码 (GB 32100-2015): normalise what people type, validate with python-stdnum."""

import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

_REASONS: dict[type[Exception], str] = {
    InvalidLength: "长度应为18位",
    InvalidFormat: "只能由数字和大写字母组成（不含 I、O、Z、S、V）",
    InvalidComponent: "登记管理部门或机构类别代码无效",
    InvalidChecksum: "校验码错误",
}


class InvalidUSCC(ValueError):
    """A code that is not a valid 统一社会信用代码; ``reason`` says why, in Chinese."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"统一社会信用代码 {code!r} 无效：{reason}")
        self.reason = reason


def normalize(code: str) -> str:
    """Full-width to half-width (NFKC), spaces and hyphens removed, upper case."""
    text = unicodedata.normalize("NFKC", code)
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def validate(code: str) -> str:
    """The normalised code, or :class:`InvalidUSCC` with the reason."""
    normalized = normalize(code)
    try:
        valid: str = uscc.validate(normalized)
    except tuple(_REASONS) as error:
        raise InvalidUSCC(code, _REASONS[type(error)]) from None
    return valid


def region_code(code: str) -> str:
    """Digits 3–8: the administrative division where the entity was registered."""
    return code[2:8]
