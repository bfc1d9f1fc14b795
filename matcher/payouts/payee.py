"""The account a claim's money is paid to (收款账户): holder name (户名), bank (开户行) and
account number (账号), read once where it is entered.

The account number is checked for shape only: digits, spaces allowed between groups, 8 to 30
digits. No check digit is tested. A personal bank card (借记卡, ISO/IEC 7812, 16–19 digits
after its BIN) ends in a Luhn digit, but an enterprise's settlement account (对公结算账户) is a
number of the bank's own making, of a length each bank chooses (about 12 to 25 digits), with no
check digit common to Chinese banks; subsidies go mostly to such accounts, so a Luhn test would
refuse real accounts. A mistyped number is caught by the holder and the bank checking it when
finance pays.
"""

import re
import unicodedata
from dataclasses import dataclass

from matcher.text import LINE_MESSAGE, has_control_characters

NAME_MAX = 100
ACCOUNT_DIGITS = (8, 30)
_DIGITS = re.compile(r"[0-9]+")


class PayeeInvalid(ValueError):
    """A value that is not part of an account; ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _name(text: str, what: str) -> str:
    name = text.strip()
    if not name:
        raise PayeeInvalid("empty", f"{what}不能为空")
    if has_control_characters(name):
        raise PayeeInvalid("control_character", LINE_MESSAGE)
    if len(name) > NAME_MAX:
        raise PayeeInvalid("too_long", f"{what}过长（最多 {NAME_MAX} 个字符）")
    return name


def holder_name(text: str) -> str:
    """户名 as typed, without surrounding spaces."""
    return _name(text, "户名")


def bank_name(text: str) -> str:
    """开户行 as typed, without surrounding spaces."""
    return _name(text, "开户行")


def account_number(text: str) -> str:
    """The digits of 账号: full-width digits folded (NFKC), spaces between groups removed."""
    digits = "".join(unicodedata.normalize("NFKC", text).split())
    if not digits:
        raise PayeeInvalid("empty", "账号不能为空")
    if not _DIGITS.fullmatch(digits):
        raise PayeeInvalid("not_digits", "账号只能由数字组成（可用空格分组）")
    low, high = ACCOUNT_DIGITS
    if not low <= len(digits) <= high:
        raise PayeeInvalid(
            "account_length", f"账号应为 {low} 至 {high} 位数字，现为 {len(digits)} 位"
        )
    return digits


@dataclass(frozen=True, slots=True)
class Payee:
    holder: str
    bank: str
    account: str
    """Digits only."""

    @property
    def masked_account(self) -> str:
        """The number as pages show it: its last four digits, and its first four when at least
        eight stay hidden (``6222 **** **** 1234``, ``**** **** **** 5678``); the mask does not tell
        the length."""
        head = self.account[:4] if len(self.account) >= 16 else "****"
        return f"{head} **** **** {self.account[-4:]}"
