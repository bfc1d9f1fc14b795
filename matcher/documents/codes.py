"""Verification codes: derived from what a document states, never stored.

A code names its record and carries a MAC: ``R-<claim id>-XXXX-XXXX`` for a 受理回执,
``D-<ledger sequence>-XXXX-XXXX`` for a 决定书. The eight characters are the first 40 bits
of an HMAC-SHA256 under the ledger key (which the database does not hold) over the document's
kind and the immutable facts it states, in Crockford's base32: no I, L, O or U, so a code read
off paper is typed back unambiguously (an I or L typed is read as 1, an O as 0). Forty bits
against a rate-limited page leave no guess a chance.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from matcher.bounds import INT32_MAX

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAC_CHARACTERS = 8
_TYPED_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_CODE = re.compile(r"([RD])-(\d{1,10})-([0-9A-Z]{4})-?([0-9A-Z]{4})")


class DocumentKind(StrEnum):
    RECEIPT = "R"
    DECISION = "D"


@dataclass(frozen=True, slots=True)
class Code:
    """A code as typed, read: the kind, the record's number and the MAC characters."""

    kind: DocumentKind
    number: int
    mac: str


def _base32(data: bytes, characters: int) -> str:
    value = int.from_bytes(data, "big") >> (len(data) * 8 - characters * 5)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(characters)))


def mac_of(key: str, kind: DocumentKind, facts: dict[str, Any]) -> str:
    """The MAC characters of a document of ``kind`` stating ``facts`` (plain JSON values)."""
    message = json.dumps(
        {"document": str(kind), **facts}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return _base32(digest[:5], MAC_CHARACTERS)


def format_code(kind: DocumentKind, number: int, mac: str) -> str:
    return f"{kind}-{number}-{mac[:4]}-{mac[4:]}"


def parse_code(typed: str) -> Code | None:
    """``typed`` as a code, spaces and case forgiven; ``None`` when it cannot be one."""
    cleaned = "".join(typed.split()).upper().translate(_TYPED_AS)
    match = _CODE.fullmatch(cleaned)
    if match is None or not set(match[3] + match[4]) <= set(ALPHABET):
        return None
    if not 0 < int(match[2]) <= INT32_MAX:  # no record has another number
        return None
    return Code(DocumentKind(match[1]), int(match[2]), match[3] + match[4])


def matches(code: Code, expected_mac: str) -> bool:
    return hmac.compare_digest(code.mac, expected_mac)
