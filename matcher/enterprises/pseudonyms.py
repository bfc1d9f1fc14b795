"""Founders' pseudonyms: the SHA-256 of the ID number (its first 16 bytes) sealed with AES-SIV
(RFC 5297, deterministic authenticated encryption; the ``cryptography`` library) under a key
derived from ``MATCHER_FOUNDER_KEY``.

Deterministic, so one person has one pseudonym (the key of the once-per-founder limits); opaque
without the key; and, unlike an HMAC, re-keyable without the ID numbers: whoever holds the old
key opens a pseudonym to its digest and seals that under the new key. A wrong key fails the
tag, so it is detected instead of silently yielding other pseudonyms. 64 hex digits."""

import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_PURPOSE = b"matcher founder pseudonym v1"


class WrongKey(ValueError):
    """A pseudonym that the key given did not seal."""


@lru_cache(maxsize=4)
def _cipher(key: str) -> AESSIV:
    material = HKDF(SHA256(), length=64, salt=None, info=_PURPOSE).derive(key.encode("utf-8"))
    return AESSIV(material)


def seal(id_number: str, key: str) -> str:
    """The pseudonym of a normalised ID number under ``key``."""
    digest = hashlib.sha256(id_number.encode("utf-8")).digest()[:16]
    return _cipher(key).encrypt(digest, None).hex()


def reseal(pseudonym: str, old_key: str, new_key: str) -> str:
    """The same person's pseudonym under ``new_key``; :class:`WrongKey` if ``old_key`` did not
    seal ``pseudonym``."""
    try:
        digest = _cipher(old_key).decrypt(bytes.fromhex(pseudonym), None)
    except (InvalidTag, ValueError):
        raise WrongKey(pseudonym) from None
    return _cipher(new_key).encrypt(digest, None).hex()
