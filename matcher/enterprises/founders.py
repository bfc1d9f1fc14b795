"""Founders' ID numbers are checked (GB 11643) and replaced by a keyed hash before anything else
sees them, so the clear number is never stored nor logged."""

import hashlib
import hmac
from typing import Any

from stdnum.cn import ric

from matcher.config import settings
from matcher.profiles.errors import FieldError, ProfileError


def hash_id_number(id_number: str) -> str:
    """HMAC-SHA256 of the normalised number under the server's secret key."""
    normalized = ric.compact(id_number)
    key = settings().secret_key.encode("utf-8")
    return hmac.new(key, normalized.encode("utf-8"), hashlib.sha256).hexdigest()


def valid_id_hash(number: object) -> str | None:
    """The keyed hash of a valid ID number; ``None`` when the number is not one."""
    if not isinstance(number, str) or not ric.is_valid(number):
        return None
    return hash_id_number(number)


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
