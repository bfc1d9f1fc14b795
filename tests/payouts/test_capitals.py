"""Amounts in Chinese capitals (大写金额) as the People's Bank's rules for bills write them; the
examples of those rules, and the places where zeros are easy to get wrong."""

from decimal import Decimal

import pytest

from matcher.payouts.capitals import amount_in_capitals


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # the rules' own examples (the optional 零 after 元 left out, as the rules allow)
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # the window's amounts
        ("200000", "贰拾万元整"),
        ("200000.00", "贰拾万元整"),
        ("300000", "叁拾万元整"),
        ("5000", "伍仟元整"),
        # 拾 always with its digit
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("110", "壹佰壹拾元整"),
        # one 零 for a run of zeros inside, none at the end
        ("1010", "壹仟零壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("1000001", "壹佰万零壹元整"),
        ("10010000", "壹仟零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("101000000", "壹亿零壹佰万元整"),
        ("1000100000000", "壹万零壹亿元整"),
        ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
        (
            "9999999999999999.99",
            "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
        # 角 and 分
        ("1000.10", "壹仟元壹角整"),
        ("1000.01", "壹仟元零壹分"),
        ("0.52", "伍角贰分"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("0", "零元整"),
        ("0.00", "零元整"),
    ],
)
def test_amounts_in_capitals(amount: str, words: str) -> None:
    assert amount_in_capitals(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-1", "0.001", "12.345"])
def test_no_capitals_for_what_no_bill_holds(amount: str) -> None:
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(amount))


def test_every_amount_up_to_a_hundred_thousand_fen_reads_back() -> None:
    """Read each result back with a plain parser of the capitals: no digit lost or doubled."""
    digits = {d: n for n, d in enumerate("零壹贰叁肆伍陆柒捌玖")}
    units = {"拾": 10, "佰": 100, "仟": 1000}

    def read(words: str) -> Decimal:
        yuan_part, _, rest = words.partition("元") if "元" in words else ("", "", words)
        total, section, digit = 0, 0, 0
        for char in yuan_part:
            if char in digits:
                digit = digits[char]
            elif char in units:
                section, digit = section + digit * units[char], 0
            elif char == "万":
                total, section, digit = total + (section + digit) * 10_000, 0, 0
        total += section + digit
        cents = 0
        for char, next_char in zip(rest, rest[1:] + " ", strict=True):
            if char in digits and next_char in "角分":
                cents += digits[char] * (10 if next_char == "角" else 1)
        return Decimal(total) + Decimal(cents) / 100

    for fen in range(0, 10_000_000, 997):
        amount = Decimal(fen) / 100
        assert read(amount_in_capitals(amount)) == amount, amount
