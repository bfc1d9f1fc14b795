"""Token and password hashing. Tokens are random and long, so a plain SHA-256 suffices;
passwords are chosen by people, so they get argon2id (argon2-cffi, RFC 9106 parameters), whose
hash carries its own salt and parameters. A hash that no longer fits — one made with other
parameters than ``PASSWORDS`` has now, or the salted scrypt of earlier releases
(``scrypt$salt$digest``), which still verifies — is replaced at the account's next sign-in."""

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "mt_"
PASSWORDS = PasswordHasher()
"""Today's parameters; hashes made with others are rehashed when their owner signs in."""
_LEGACY_SCRYPT_PREFIX = "scrypt$"
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (argon2, or legacy scrypt)."""
    if stored.startswith(_LEGACY_SCRYPT_PREFIX):
        return _verify_legacy_scrypt(password, stored)
    try:
        return PASSWORDS.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash that verified should be replaced by one made with today's parameters."""
    return stored.startswith(_LEGACY_SCRYPT_PREFIX) or PASSWORDS.check_needs_rehash(stored)


def _verify_legacy_scrypt(password: str, stored: str) -> bool:
    try:
        _scheme, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), **_LEGACY_SCRYPT
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
