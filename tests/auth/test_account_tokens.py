"""API tokens issued for an account act as that account (its role, its code, its id in the
records) and end the moment the account is disabled, for good; program tokens stand alone."""

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from matcher.auth.service import (
    authenticate_token,
    create_account,
    disable_account,
    enable_account,
    issue_account_token,
    issue_token,
)
from matcher.auth.tables import ApiToken, Role
from matcher.db import session_scope
from tests.conftest import ENTERPRISE_USCC


@pytest.fixture
def accounts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        li = create_account(session, "li", "correct-horse-42", Role.STAFF, "李")
        firm = create_account(
            session, "firm", "correct-horse-42", Role.ENTERPRISE, "某企业", ENTERPRISE_USCC
        )
        return {"li": li.id or 0, "firm": firm.id or 0}


def test_a_token_for_an_account_acts_as_the_account(
    engine: Engine, accounts: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        token, record = issue_account_token(session, "firm", "对接")
        who = authenticate_token(session, token)
        assert record.account_id == accounts["firm"]
    assert who is not None
    assert (who.role, who.uscc, who.actor_id) == (
        Role.ENTERPRISE,
        ENTERPRISE_USCC,
        f"account:{accounts['firm']}",
    )


def test_disabling_the_account_ends_its_tokens_for_good(
    engine: Engine, accounts: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        own, _ = issue_account_token(session, "li", "脚本")
        program, program_record = issue_token(session, Role.STAFF, "财务系统")
    with session_scope(engine) as session:
        disable_account(session, "li")
        assert authenticate_token(session, own) is None, "at once"
        enable_account(session, "li")
    with session_scope(engine) as session:
        assert authenticate_token(session, own) is None, "and for good"
        program_who = authenticate_token(session, program)
        assert program_who is not None and program_who.actor_id == f"token:{program_record.id}"


def test_no_token_for_a_missing_or_disabled_account(
    engine: Engine, accounts: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        disable_account(session, "li")
    for username in ("li", "nobody"):
        with session_scope(engine) as session, pytest.raises(ValueError) as error:
            issue_account_token(session, username, "脚本")
        assert str(error.value) == f"账户 {username} 不存在或已停用"
    with session_scope(engine) as session:
        assert session.exec(select(ApiToken)).all() == []
