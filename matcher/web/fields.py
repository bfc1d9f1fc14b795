"""Form text to typed values, one parser per kind of field; nothing is guessed.

An empty field means "unknown" (``None``). In numbers and dates, full-width digits and
punctuation, which Chinese input methods produce, are folded to ASCII first (NFKC); after
that a value either has the exact shape of its kind or is refused with a Chinese message.
Money is in yuan; a number followed by 万 or 万元 is read as ten thousand yuan, once, here.
Free text is kept as typed, except control characters (:mod:`matcher.text`); a date lies in
the range of :mod:`matcher.bounds`.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from matcher.bounds import DayInvalid, parse_day
from matcher.rules.ast import Value
from matcher.text import LINE_MESSAGE, has_control_characters

_INTEGER = re.compile(r"[+-]?[0-9]+")
_INTEGER_DIGITS = 18  # beyond any count a profile holds, and far below int()'s own limit
# Plain digits, or digits grouped by thousands with commas; an optional sign and fraction.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
_MONEY = re.compile(rf"(?P<number>{_DECIMAL.pattern})\s*(?P<unit>万元|万|元)?")
_TEN_THOUSAND = frozenset({"万", "万元"})
_FEN = Decimal("0.01")
YES, NO = "true", "false"
YES_NO_CHOICES = ((YES, "是"), (NO, "否"))


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    MONEY = "money"
    DECIMAL = "decimal"
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One form field: its name, its label, how it is entered and read, and a hint."""

    name: str
    label: str
    kind: FieldKind
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
    """Yuan, or 万元 when the number ends in 万 or 万元: 1.5万元 is 15000.00 元. A sum in 万元
    finer than a fen (more than six decimals) is refused, never rounded."""
    found = _MONEY.fullmatch(text)
    if found is None:
        raise FieldInvalid(
            "应为以元为单位的数值，如 1250000 或 1,250,000.50；也可写万元，如 125万元"
        )
    amount = Decimal(found["number"].replace(",", ""))
    if found["unit"] not in _TEN_THOUSAND:
        return amount
    if amount.adjusted() >= _INTEGER_DIGITS:
        raise FieldInvalid("数值过大")
    yuan = amount * 10_000
    if yuan != yuan.quantize(_FEN):
        raise FieldInvalid("以万元填写时最多 6 位小数（精确到分）")
    return yuan.quantize(_FEN)


def _decimal(text: str, _spec: FieldSpec) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise FieldInvalid("应为数值，如 3.5")
    return Decimal(text.replace(",", ""))


def _date(text: str, _spec: FieldSpec | None = None) -> date:
    try:
        return parse_day(text)
    except DayInvalid as error:
        example = "，如 2020-08-01" if error.code == "date_format" else ""
        raise FieldInvalid(f"{error}{example}") from None


def _yes_no(text: str, _spec: FieldSpec) -> bool:
    if text not in (YES, NO):
        raise FieldInvalid("请选择“是”“否”或“未知”")
    return text == YES


def _choice(text: str, spec: FieldSpec) -> str:
    if text not in {value for value, _label in spec.choices}:
        raise FieldInvalid("请从列表中选择")
    return text


def _line(text: str, _spec: FieldSpec) -> str:
    if has_control_characters(text):
        raise FieldInvalid(LINE_MESSAGE)
    return text


def _long_text(text: str, _spec: FieldSpec) -> str:
    """Control characters in a text area are refused with the whole form (``posted_form``)."""
    return text


_PARSERS: dict[FieldKind, Callable[[str, FieldSpec], Value]] = {
    FieldKind.TEXT: _line,
    FieldKind.LONG_TEXT: _long_text,
    FieldKind.INTEGER: _integer,
    FieldKind.MONEY: _money,
    FieldKind.DECIMAL: _decimal,
    FieldKind.DATE: _date,
    FieldKind.YES_NO: _yes_no,
    FieldKind.CHOICE: _choice,
}


def _cleaned(raw: str | None, kind: FieldKind) -> str:
    text = (raw or "").strip()
    return (
        text
        if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT)
        else unicodedata.normalize("NFKC", text)
    )


def parse_field(spec: FieldSpec, raw: str | None) -> Value:
    """The value typed into ``spec``'s field; ``None`` when left empty.

    Raises :class:`FieldInvalid` when the text is not a value of the field's kind.
    """
    text = _cleaned(raw, spec.kind)
    return _PARSERS[spec.kind](text, spec) if text else None


def parse_date(raw: str | None) -> date | None:
    """A date typed as ``YYYY-MM-DD``; ``None`` when empty. Raises :class:`FieldInvalid`."""
    text = _cleaned(raw, FieldKind.DATE)
    return _date(text) if text else None
