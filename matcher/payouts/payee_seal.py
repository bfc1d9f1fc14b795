"""A payee account at rest and in the ledger.

At rest the account is sealed with AES-256-GCM (the ``cryptography`` library) under a fresh
random 96-bit nonce; the claims table holds the sealed account beside a masked form for pages
(holder, bank, ``6222 **** **** 1234``), and only the finance export opens it.

The key is derived with HKDF-SHA256 from ``MATCHER_LEDGER_KEY`` (info ``matcher payee account
v1``) rather than read from a setting of its own: the account is a money fact whose custody is
the ledger key's already (never in the database, required in production, backed up apart from
the database, never rotated without re-keying), and its fingerprint is an HMAC under that key
in any case. A separate setting would be one more secret whose loss makes every stored account
unreadable, with no holder it could be given to that does not also hold the ledger key. The
HKDF label keeps the two uses apart: the encryption key is not the MAC key.

In the ledger the account is its fingerprint, an HMAC under the ledger key of the normalised
account, which each decision's snapshot carries: an account changed after approval no longer
matches its approval, and ``ledger verify`` and the export say so.
"""

import base64
import binascii
import json
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from matcher.errors import DomainError
from matcher.payouts.chain import mac
from matcher.payouts.payee import Payee
from matcher.payouts.tables import Claim

_PURPOSE = b"matcher payee account v1"
_NONCE_BYTES = 12


class PayeeUnreadable(DomainError):
    """A sealed account that does not open under the key: changed, or sealed under another."""

    def __init__(self) -> None:
        super().__init__(
            "payee_unreadable",
            "收款账户无法解密（已被改动，或不是用当前账本密钥加密的），请联系系统管理员核查",
        )


@lru_cache(maxsize=4)
def _cipher(key: str) -> AESGCM:
    material = HKDF(SHA256(), length=32, salt=None, info=_PURPOSE).derive(key.encode("utf-8"))
    return AESGCM(material)


def _plain(payee: Payee) -> bytes:
    return json.dumps(
        [payee.holder, payee.bank, payee.account], ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def seal(payee: Payee, key: str) -> str:
    """The account sealed for the claims table: base64 of nonce, ciphertext and tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return base64.b64encode(nonce + _cipher(key).encrypt(nonce, _plain(payee), _PURPOSE)).decode()


def unseal(sealed: str, key: str) -> Payee:
    """The account :func:`seal` sealed; :class:`PayeeUnreadable` if it does not open."""
    try:
        raw = base64.b64decode(sealed, validate=True)
        plain = _cipher(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _PURPOSE)
        holder, bank, account = json.loads(plain)
    except (binascii.Error, InvalidTag, ValueError):
        raise PayeeUnreadable from None
    return Payee(holder, bank, account)


def fingerprint(payee: Payee, key: str) -> str:
    """The HMAC under the ledger key that a decision's snapshot holds for ``payee``."""
    return mac(key, b"payee:" + _plain(payee))


def sealed_fingerprint(sealed: str | None, key: str) -> str | None:
    """The fingerprint of a sealed account; ``None`` for a claim filed without one."""
    return None if sealed is None else fingerprint(unseal(sealed, key), key)


def store_payee(claim: Claim, payee: Payee, key: str) -> None:
    """Keep ``payee`` on ``claim``: sealed, and masked for pages."""
    claim.payee_holder, claim.payee_bank = payee.holder, payee.bank
    claim.payee_account_masked, claim.payee_sealed = payee.masked_account, seal(payee, key)
