"""Founders' ID numbers are checked (GB 11643) and replaced by a pseudonym under the founder key
(:mod:`matcher.enterprises.pseudonyms`) before anything else sees them, so the clear number is
never stored nor logged. This is the one place ID numbers are checked and hashed: enterprise
records and claims alike."""

import unicodedata
from functools import cache
from typing import Any

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from matcher.config import settings
from matcher.enterprises.pseudonyms import seal
from matcher.profiles.errors import FieldError, ProfileError


@cache
def _known_area(code: str) -> bool:
    """Whether ``code`` was ever an area code (行政区划代码) in stdnum's list of every code with
    the years it was in use, whichever years those were."""
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


def valid_id_number(number: object) -> str | None:
    """The number in its compact form if it is a valid 居民身份证号码, else ``None``.

    Length, digits, checksum and birth date are checked as ``stdnum.cn.ric`` checks them; the
    area code need only have been listed at some time. ``ric.validate`` also wants the code in
    use in the birth year, but a card keeps the code of the place it was first issued: 济源's
    419001 (from 1997) on a card of someone born in 1985 is valid, as is 410881 (under 焦作,
    1989–1997).
    """
    if not isinstance(number, str):
        return None
    compact = ric.compact(unicodedata.normalize("NFKC", number))
    if len(compact) != 18 or not (compact[:17].isascii() and compact[:17].isdigit()):
        return None
    if compact[-1] != ric.calc_check_digit(compact):
        return None
    try:
        ric.get_birth_date(compact)
    except ValidationError:
        return None
    return compact if _known_area(compact[:6]) else None


def hash_id_number(id_number: str) -> str:
    """The pseudonym of the normalised number under ``MATCHER_FOUNDER_KEY``."""
    normalized = ric.compact(unicodedata.normalize("NFKC", id_number))
    return seal(normalized, settings().founder_key)


def valid_id_hash(number: object) -> str | None:
    """The pseudonym of a valid ID number; ``None`` when the number is not one."""
    valid = valid_id_number(number)
    return None if valid is None else hash_id_number(valid)


def replace_id_numbers(data: Any) -> Any:
    """``data`` with each founder's ``id_number`` replaced by ``id_hash``."""
    if not isinstance(data, dict) or not isinstance(data.get("founders"), list | tuple):
        return data
    founders, errors = [], []
    for index, founder in enumerate(data["founders"]):
        if isinstance(founder, dict) and "id_number" in founder:
            founder = dict(founder)
            number = founder.pop("id_number")
            if number is None:
                founders.append(founder)
                continue
            hashed = valid_id_hash(number)
            if hashed is None:
                errors.append(
                    FieldError(f"founders.{index}.id_number", "invalid_id_number", "身份证号码无效")
                )
                continue
            founder["id_hash"] = hashed
        founders.append(founder)
    if errors:
        raise ProfileError(errors)
    return {**data, "founders": founders}
