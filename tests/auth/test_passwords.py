"""Passwords are kept as argon2id hashes; the legacy scrypt hashes and hashes made with other
parameters still sign in, once, and are then replaced by today's."""

import hashlib
import secrets
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlmodel import select

from matcher.auth import credentials
from matcher.auth.service import authenticate_password, create_account
from matcher.auth.tables import Account, Role
from matcher.db import session_scope

PASSWORD = "correct horse battery"
WEAK = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
"""Parameters other than today's, as an earlier release might have used."""


def _legacy_scrypt(password: str) -> str:
    """A hash as the earlier releases wrote it."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _stored(engine: Engine, username: str = "li") -> str:
    with session_scope(engine) as session:
        return session.exec(select(Account).where(Account.username == username)).one().password_hash


@pytest.fixture
def account(engine: Engine) -> Iterator[Engine]:
    with session_scope(engine) as session:
        create_account(session, "li", PASSWORD, Role.STAFF, "李")
    yield engine


def _sign_in(engine: Engine, password: str, username: str = "li") -> bool:
    with session_scope(engine) as session:
        return authenticate_password(session, username, password) is not None


def test_new_hashes_are_argon2id_with_their_parameters() -> None:
    stored = credentials.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert credentials.verify_password(PASSWORD, stored)
    assert not credentials.needs_rehash(stored)


@pytest.mark.parametrize("stored", ["", "scrypt$zz$00", "scrypt$only-two", "$argon2id$v=19$junk"])
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not credentials.verify_password(PASSWORD, stored)


def test_the_right_password_signs_in_and_keeps_a_current_hash(account: Engine) -> None:
    before = _stored(account)
    assert _sign_in(account, PASSWORD)
    assert _stored(account) == before


@pytest.mark.parametrize("wrong", ["correct horse battery ", "Correct horse battery", "x"])
def test_wrong_passwords_fail_and_change_nothing(account: Engine, wrong: str) -> None:
    before = _stored(account)
    assert not _sign_in(account, wrong)
    assert _stored(account) == before


def test_a_legacy_scrypt_account_signs_in_and_is_rehashed(account: Engine) -> None:
    with session_scope(account) as session:
        session.exec(select(Account)).one().password_hash = _legacy_scrypt(PASSWORD)
    assert not _sign_in(account, "wrong password")
    assert _stored(account).startswith("scrypt$"), "a wrong password rehashes nothing"
    assert _sign_in(account, PASSWORD)
    rehashed = _stored(account)
    assert rehashed.startswith("$argon2id$")
    assert not credentials.needs_rehash(rehashed)
    assert _sign_in(account, PASSWORD)
    assert not _sign_in(account, "wrong password")


def test_a_hash_of_other_parameters_is_rehashed_at_sign_in(
    account: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as earlier:
        earlier.setattr(credentials, "PASSWORDS", WEAK)
        with session_scope(account) as session:
            create_account(session, "wang", PASSWORD, Role.STAFF, "王")
    weak = _stored(account, "wang")
    assert weak.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert credentials.needs_rehash(weak)
    assert _sign_in(account, PASSWORD, "wang")
    assert _stored(account, "wang").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_disabled_account_is_not_rehashed(account: Engine) -> None:
    legacy = _legacy_scrypt(PASSWORD)
    with session_scope(account) as session:
        row = session.exec(select(Account)).one()
        row.password_hash = legacy
        row.disabled_at = row.created_at
    assert not _sign_in(account, PASSWORD)
    assert _stored(account) == legacy
