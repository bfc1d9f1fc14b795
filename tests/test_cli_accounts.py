"""``matcher accounts``: list, reset (a hidden password asked twice), disable and enable, on a
SQLite database of the test's own."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine
from typer.testing import CliRunner

from matcher import cli
from matcher.auth.service import (
    account_principal,
    authenticate_password,
    authenticate_token,
    create_account,
    session_epoch,
)
from matcher.auth.tables import Role
from matcher.config import settings
from matcher.db import default_engine, session_scope
from matcher.migrate import upgrade

runner = CliRunner()
PASSWORD, NEW = "correct-horse-42", "battery-staple-7"


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    """The CLI's configured database, holding one staff account ``li``."""
    monkeypatch.setenv("MATCHER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    settings.cache_clear()
    default_engine.cache_clear()
    engine = default_engine()
    upgrade(engine)
    with session_scope(engine) as session:
        create_account(session, "li", PASSWORD, Role.STAFF, "李")
    yield engine
    settings.cache_clear()
    default_engine.cache_clear()


def _epoch(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session_epoch(session, "li")


def test_reset_asks_twice_and_ends_the_sessions(database: Engine) -> None:
    epoch = _epoch(database)
    result = runner.invoke(cli.app, ["accounts", "reset", "li"], input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 0, result.output
    assert "账号 li 的密码已重设，其会话均已结束" in result.output
    assert NEW not in result.output, "the password is not echoed"
    with session_scope(database) as session:
        assert authenticate_password(session, "li", NEW) is not None
        assert authenticate_password(session, "li", PASSWORD) is None
        assert account_principal(session, "li", epoch) is None


def test_reset_refuses_a_mismatch_and_a_short_password(database: Engine) -> None:
    mismatch = runner.invoke(cli.app, ["accounts", "reset", "li"], input=f"{NEW}\nother\n")
    short = runner.invoke(cli.app, ["accounts", "reset", "li"], input="short\nshort\n")
    assert mismatch.exit_code == 1  # click aborts after the confirmation stops matching
    assert short.exit_code == 2 and "密码至少 8 个字符" in short.output
    with session_scope(database) as session:
        assert authenticate_password(session, "li", PASSWORD) is not None
    assert _epoch(database) == 0


def test_reset_of_an_unknown_account(database: Engine) -> None:
    result = runner.invoke(cli.app, ["accounts", "reset", "nobody"], input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 1 and "账号 nobody 不存在" in result.output


def test_disable_ends_the_sessions_and_enable_does_not_bring_them_back(
    database: Engine,
) -> None:
    epoch = _epoch(database)
    disabled = runner.invoke(cli.app, ["accounts", "disable", "li"])
    assert disabled.exit_code == 0 and "账号 li 已停用，其会话均已结束" in disabled.output
    assert "已停用" in runner.invoke(cli.app, ["accounts", "list"]).output
    enabled = runner.invoke(cli.app, ["accounts", "enable", "li"])
    assert enabled.exit_code == 0 and "账号 li 已启用" in enabled.output
    with session_scope(database) as session:
        assert account_principal(session, "li", epoch) is None
        assert authenticate_password(session, "li", PASSWORD) is not None
    assert runner.invoke(cli.app, ["accounts", "enable", "nobody"]).exit_code == 1


def test_list_shows_every_account(database: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "console", Console(width=200))  # a terminal wide enough for a row
    with session_scope(database) as session:
        create_account(session, "yinhui", PASSWORD, Role.ENTERPRISE, "银辉", "91419001MA4000000C")
    result = runner.invoke(cli.app, ["accounts", "list"])
    assert result.exit_code == 0, result.output
    for shown in ("li", "兑现专窗工作人员", "yinhui", "企业", "91419001MA4000000C", "正常"):
        assert shown in result.output
    assert "共 2 个账号" in result.output


def test_tokens_are_issued_for_a_role_or_an_account_not_both(database: Engine) -> None:
    both = runner.invoke(
        cli.app, ["tokens", "issue", "--label", "x", "--role", "staff", "--account", "li"]
    )
    neither = runner.invoke(cli.app, ["tokens", "issue", "--label", "x"])
    for refused in (both, neither):
        assert refused.exit_code == 2
        assert "请指定 --role（程序用令牌）或 --account（代表账户的令牌）之一" in refused.output
    issued = runner.invoke(cli.app, ["tokens", "issue", "--label", "脚本", "--account", "li"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    with session_scope(database) as session:
        who = authenticate_token(session, token)
        assert who is not None and (who.role, who.name) == (Role.STAFF, "李")
        assert who.actor_id.startswith("account:")
    disabled = runner.invoke(cli.app, ["accounts", "disable", "li"])
    assert disabled.exit_code == 0, disabled.output
    with session_scope(database) as session:
        assert authenticate_token(session, token) is None, "the account's token ends with it"
