"""The once-per-founder key of a claim: derived by the window, never taken from the filer.

A policy that pays once per person keys its limit on a claim fact ``<x>_id_hash``. A claim
names the person by ``<x>_id_number`` instead: the number is checked (GB 11643), must belong to
a founder on the enterprise's record, and is kept only as its pseudonym under the founder key
(:mod:`matcher.enterprises.pseudonyms`), as the record holds it. A claim that brings
``<x>_id_hash`` itself is refused: a key the filer chose would open a new bucket for every
spelling.
"""

from collections.abc import Collection, Mapping
from typing import Any

from matcher.enterprises.founders import valid_id_hash
from matcher.errors import DomainError
from matcher.profiles.errors import FieldError, ProfileError

ID_NUMBER_SUFFIX, ID_HASH_SUFFIX = "_id_number", "_id_hash"
NOT_A_FOUNDER = "该身份证号码不是本企业登记的创业者；请先由工作人员凭材料补录"


def _derived(name: str) -> FieldError:
    number = name.removesuffix(ID_HASH_SUFFIX) + ID_NUMBER_SUFFIX
    message = f"{name} 由系统根据身份证号码计算，不能直接填写；请填写 {number}"
    return FieldError(f"facts.{name}", "derived_fact", message)


def derive_founder_keys(facts: Mapping[str, Any], founders: Collection[str]) -> dict[str, Any]:
    """``facts`` with each ``<x>_id_number`` replaced by ``<x>_id_hash``.

    ``founders`` holds the ID hashes of the founders on the enterprise's record. Refused, in
    this order: any ``<x>_id_hash`` given (``derived_fact``), a number that is no valid ID
    number (``invalid_id_number``), a valid one of no founder on record (``not_a_founder``).
    """
    derived = [_derived(name) for name in facts if name.endswith(ID_HASH_SUFFIX)]
    if derived:
        raise DomainError("derived_fact", derived[0].message, derived)
    result, invalid, strangers = {}, [], []
    for name, value in facts.items():
        if not name.endswith(ID_NUMBER_SUFFIX):
            result[name] = value
            continue
        field, hashed = f"facts.{name}", valid_id_hash(value)
        if hashed is None:
            invalid.append(FieldError(field, "invalid_id_number", "身份证号码无效"))
        elif hashed not in founders:
            strangers.append(FieldError(field, "not_a_founder", NOT_A_FOUNDER))
        result[name.removesuffix(ID_NUMBER_SUFFIX) + ID_HASH_SUFFIX] = hashed
    if invalid:
        raise ProfileError(invalid)
    if strangers:
        raise DomainError("not_a_founder", NOT_A_FOUNDER, strangers)
    return result
