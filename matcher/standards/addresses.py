"""Mobile numbers and e-mail addresses, checked and normalised by the libraries that know
them: ``phonenumbers`` for mainland China mobile numbers (E.164, ``+8613800138000``) and
``email-validator`` for e-mail addresses (syntax only: no DNS lookup on the request path)."""

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
MAX_INPUT = 254


class AddressInvalid(ValueError):
    """An address refused, with a code for programs and the reason in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def mobile(text: str) -> str:
    """A mainland China mobile number in E.164; separators and a ``+86`` prefix are allowed."""
    try:
        number = phonenumbers.parse(text.strip()[:MAX_INPUT], "CN")
    except NumberParseException:
        raise AddressInvalid("invalid_mobile", "手机号码无效") from None
    if not phonenumbers.is_valid_number(number):
        raise AddressInvalid("invalid_mobile", "手机号码无效")
    if phonenumbers.region_code_for_number(number) != "CN":
        raise AddressInvalid("not_mainland_mobile", "仅支持中国大陆手机号码")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise AddressInvalid("not_a_mobile", "这是固定电话号码，无法接收短信，请填写手机号码")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def email(text: str) -> str:
    """An e-mail address with its domain normalised (lower case, IDNA-checked)."""
    try:
        checked = validate_email(text.strip()[:MAX_INPUT], check_deliverability=False)
    except EmailNotValidError:
        raise AddressInvalid("invalid_email", "电子邮件地址无效") from None
    return checked.normalized
