"""The command line's edges: dates parse as strictly as the API's, and the development
secret never serves beyond this machine."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher import cli
from matcher.config import DEMO_ENTERPRISE, settings
from matcher.db import default_engine

runner = CliRunner()
DEMO = str(DEMO_ENTERPRISE)


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("0", "应为日期（YYYY-MM-DD）"),
        ("20200801", "应为日期（YYYY-MM-DD）"),
        ("2020-02-30", "日期不存在"),
        ("9999-12-31", "日期应在 1949-10-01 至 2100-12-31 之间"),
    ],
)
def test_as_of_is_parsed_strictly(as_of: str, reason: str) -> None:
    result = runner.invoke(cli.app, ["match", DEMO, "--as-of", as_of])
    assert result.exit_code == 2
    assert f"日期无效：{as_of}" in result.output and reason in result.output


@pytest.fixture
def development_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MATCHER_SECRET_KEY", raising=False)
    monkeypatch.delenv("MATCHER_ENVIRONMENT", raising=False)
    settings.cache_clear()

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("nothing may start")

    monkeypatch.setattr(cli, "upgrade", never)
    monkeypatch.setattr(cli.serving, "serve", never)
    yield
    settings.cache_clear()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "example.invalid"])
def test_the_development_secret_never_listens_beyond_loopback(
    development_secret: None, host: str
) -> None:
    result = runner.invoke(cli.app, ["serve", "--host", host, "--no-demo"])
    assert result.exit_code == 2
    assert (
        f"开发用密钥只能在本机地址上使用：监听 {host} 前请设置 MATCHER_SECRET_KEY" in result.output
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("localhost.example", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert cli._loopback(host) is loopback


def test_accounts_and_tokens_refuse_control_characters(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MATCHER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    settings.cache_clear()
    default_engine.cache_clear()
    try:
        created = runner.invoke(
            cli.app,
            ["accounts", "create", "wang\x00fang", "--role", "staff", "--name", "王芳"],
            input="correct-horse-42\ncorrect-horse-42\n",
        )
        issued = runner.invoke(
            cli.app, ["tokens", "issue", "--role", "staff", "--label", "财务\x1b"]
        )
    finally:
        settings.cache_clear()
        default_engine.cache_clear()
    for result in (created, issued):
        assert result.exit_code == 2
        assert "名称不能含有换行、制表符等控制字符" in result.output
