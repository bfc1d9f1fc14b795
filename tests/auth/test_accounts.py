"""Accounts over their life: created once per username, disabled (its sessions end for good,
not only while disabled), enabled, and given a new password (its sessions end too)."""

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from matcher.auth.service import (
    account_principal,
    authenticate_password,
    create_account,
    disable_account,
    enable_account,
    list_accounts,
    reset_password,
    session_epoch,
)
from matcher.auth.tables import Account, Role
from matcher.db import session_scope

PASSWORD = "correct-horse-42"


@pytest.fixture
def engine_with_li(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        create_account(session, "li", PASSWORD, Role.STAFF, "李")
    return engine


def _stored(engine: Engine) -> list[tuple[str, str, int, bool]]:
    with session_scope(engine) as session:
        return [
            (a.username, a.password_hash, a.session_epoch, a.disabled_at is None)
            for a in session.exec(select(Account).order_by(Account.username))
        ]


def test_disabling_ends_the_sessions_for_good(engine_with_li: Engine) -> None:
    with session_scope(engine_with_li) as session:
        epoch = session_epoch(session, "li")
        assert account_principal(session, "li", epoch) is not None
        disable_account(session, "li")
        assert authenticate_password(session, "li", PASSWORD) is None
        enable_account(session, "li")
        assert account_principal(session, "li", epoch) is None, "the old session stays ended"
        assert authenticate_password(session, "li", PASSWORD) is not None
        assert account_principal(session, "li", session_epoch(session, "li")) is not None


def test_disabling_twice_changes_nothing_more(engine_with_li: Engine) -> None:
    with session_scope(engine_with_li) as session:
        disable_account(session, "li")
    before = _stored(engine_with_li)
    with session_scope(engine_with_li) as session:
        assert disable_account(session, "li") is not None
    assert _stored(engine_with_li) == before


def test_resetting_the_password_ends_the_sessions(engine_with_li: Engine) -> None:
    with session_scope(engine_with_li) as session:
        epoch = session_epoch(session, "li")
        reset_password(session, "li", "battery-staple-7")
        assert account_principal(session, "li", epoch) is None
        assert authenticate_password(session, "li", PASSWORD) is None
        assert authenticate_password(session, "li", "battery-staple-7") is not None


def test_a_short_new_password_is_refused_and_nothing_changes(engine_with_li: Engine) -> None:
    before = _stored(engine_with_li)
    with session_scope(engine_with_li) as session, pytest.raises(ValueError) as refused:
        reset_password(session, "li", "short")
    assert str(refused.value) == "密码至少 8 个字符"
    assert _stored(engine_with_li) == before


def test_unknown_usernames_are_none(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert disable_account(session, "nobody") is None
        assert enable_account(session, "nobody") is None
        assert reset_password(session, "nobody", PASSWORD) is None
    assert _stored(engine) == []


@pytest.mark.parametrize(
    ("username", "name", "message"),
    [
        ("li", "另一个李", "登录名已存在"),
        ("  ", "张", "登录名不能为空，且不超过 50 个字符"),
        ("z" * 51, "张", "登录名不能为空，且不超过 50 个字符"),
        ("zhang", "", "名称不能为空，且不超过 100 个字符"),
    ],
)
def test_create_refuses_and_adds_nothing(
    engine_with_li: Engine, username: str, name: str, message: str
) -> None:
    before = _stored(engine_with_li)
    with session_scope(engine_with_li) as session, pytest.raises(ValueError) as refused:
        create_account(session, username, PASSWORD, Role.STAFF, name)
    assert str(refused.value) == message
    assert _stored(engine_with_li) == before


def test_accounts_are_listed_by_username(engine_with_li: Engine) -> None:
    with session_scope(engine_with_li) as session:
        create_account(session, "admin", PASSWORD, Role.ADMIN, "管理员甲")
        assert [a.username for a in list_accounts(session)] == ["admin", "li"]
