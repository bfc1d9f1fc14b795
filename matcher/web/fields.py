"""Form text to typed values, one parser per kind of field; nothing is guessed.

An empty field means "unknown" (``None``). In numbers and dates, full-width digits and
punctuation, which Chinese input methods produce, are folded to ASCII first (NFKC); after
that a value either has the exact shape of its kind or is refused with a Chinese message.
Free text is kept as typed.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from matcher.rules.ast import Value

_INTEGER = re.compile(r"[+-]?[0-9]+")
_INTEGER_DIGITS = 18  # beyond any count a profile holds, and far below int()'s own limit
# Plain digits, or digits grouped by thousands with commas; an optional sign and fraction.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YES, NO = "true", "false"


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    MONEY = "money"
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One form field: its name, its label, how it is entered and read, and a hint."""

    name: str
    label: str
    kind: Kind
    choices: tuple[tuple[str, str], ...] = ()
    """``(value, label)`` pairs for a choice."""
    hint: str = ""


class FieldInvalid(ValueError):
    """Text that is not a value of the field's kind; the message is for people."""


def _integer(text: str, _spec: FieldSpec) -> int:
    if not _INTEGER.fullmatch(text):
        raise FieldInvalid("应为整数，如 86")
    if len(text.lstrip("+-")) > _INTEGER_DIGITS:
        raise FieldInvalid("数值过大")
    return int(text)


def _money(text: str, _spec: FieldSpec) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise FieldInvalid("应为以元为单位的数值，如 1250000 或 1,250,000.50")
    return Decimal(text.replace(",", ""))


def _date(text: str, _spec: FieldSpec | None = None) -> date:
    if not _DATE.fullmatch(text):
        raise FieldInvalid("应为日期（YYYY-MM-DD），如 2020-08-01")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldInvalid("日期不存在，请检查年、月、日") from None


def _yes_no(text: str, _spec: FieldSpec) -> bool:
    if text not in (YES, NO):
        raise FieldInvalid("请选择“是”“否”或“未知”")
    return text == YES


def _choice(text: str, spec: FieldSpec) -> str:
    if text not in {value for value, _label in spec.choices}:
        raise FieldInvalid("请从列表中选择")
    return text


def _text(text: str, _spec: FieldSpec) -> str:
    return text


_PARSERS: dict[Kind, Callable[[str, FieldSpec], Value]] = {
    Kind.TEXT: _text,
    Kind.LONG_TEXT: _text,
    Kind.INTEGER: _integer,
    Kind.MONEY: _money,
    Kind.DATE: _date,
    Kind.YES_NO: _yes_no,
    Kind.CHOICE: _choice,
}


def _cleaned(raw: str | None, kind: Kind) -> str:
    text = (raw or "").strip()
    return text if kind in (Kind.TEXT, Kind.LONG_TEXT) else unicodedata.normalize("NFKC", text)


def parse_field(spec: FieldSpec, raw: str | None) -> Value:
    """The value typed into ``spec``'s field; ``None`` when left empty.

    Raises :class:`FieldInvalid` when the text is not a value of the field's kind.
    """
    text = _cleaned(raw, spec.kind)
    return _PARSERS[spec.kind](text, spec) if text else None


def parse_date(raw: str | None) -> date | None:
    """A date typed as ``YYYY-MM-DD``; ``None`` when empty. Raises :class:`FieldInvalid`."""
    text = _cleaned(raw, Kind.DATE)
    return _date(text) if text else None
