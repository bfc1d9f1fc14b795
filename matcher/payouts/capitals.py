"""An amount of money in Chinese capitals (大写金额), as a payment order writes it.

Written by the People's Bank of China's rules for filling in bills (《支付结算办法》附件
《正确填写票据和结算凭证的基本规定》): 壹贰叁… with 拾佰仟万亿; ``整`` after 元 or 角 when
no 分 follows; 拾 always with its digit (壹拾); one 零 for a run of zeros inside the number,
and 零 after 元 when 角 is zero but 分 is not (叁佰贰拾伍元零肆分). Where the rules let a
零 be written or left out (元位 zero before 角: 壹仟陆佰捌拾元叁角贰分), it is left out.

Not cn2an's ``an2cn(…, "rmb")``: it leaves out the 整 after 角 (壹仟元壹角) and the 零 the rules
require inside a number (壹拾万柒仟元伍角叁分 for 107,000.53).
"""

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_YI, _WAN = 10**8, 10**4


def _below_wan(number: int) -> str:
    """1 to 9999, without leading zeros and with one 零 for zeros inside."""
    text, zero = "", False
    for place, digit in zip(_PLACES, f"{number:04d}", strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text, zero = text + "零", False
        text += DIGITS[int(digit)] + place
    return text


def _whole(number: int) -> str:
    """A positive whole number of yuan in capitals (without 元)."""
    for size, unit in ((_YI, "亿"), (_WAN, "万")):
        if number >= size:
            high, low = divmod(number, size)
            text = _whole(high) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _whole(low)
            return text
    return _below_wan(number)


def amount_in_capitals(amount: Decimal) -> str:
    """``Decimal("200000")`` → 贰拾万元整; ``ValueError`` for a negative amount or one in
    fractions of a fen."""
    if amount < 0:
        raise ValueError("negative amount")
    fen_total = amount * 100
    if fen_total != fen_total.to_integral_value():
        raise ValueError("an amount in fractions of a fen")
    yuan, cents = divmod(int(fen_total), 100)
    jiao, fen = divmod(cents, 10)
    text = _whole(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        return text + DIGITS[fen] + "分"
    return (text or "零元") + "整"
