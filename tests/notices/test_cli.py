"""``matcher notify``: dry run, a real run against the loopback receivers, a re-run, and the
ledger checkpoint that ends the nightly job."""

from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from typer.testing import CliRunner

import matcher.console
import matcher.notices.cli
from matcher.notices.settings import NoticeSettings
from matcher.notices.sms_templates import sms_templates
from matcher.notices.tables import OutboxNotice
from tests.notices.factories import news_for_all
from tests.notices.receivers import Inbox, SmtpHandler, Webhook

runner = CliRunner()


@pytest.fixture
def app(
    published: Engine, notice_config: NoticeSettings, monkeypatch: pytest.MonkeyPatch
) -> typer.Typer:
    monkeypatch.setattr(matcher.console, "default_engine", lambda: published)
    monkeypatch.setattr(matcher.notices.cli, "notice_settings", lambda: notice_config)
    app = typer.Typer()
    matcher.notices.cli.register(app)
    app.command("noop")(lambda: None)  # a second command keeps notify a subcommand
    return app


def _queued(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxNotice)).one()


def test_a_dry_run_renders_a_sample_and_stores_nothing(
    app: typer.Typer, published: Engine, inbox: Inbox
) -> None:
    with Session(published) as session:
        news_for_all(session, 2)
        session.commit()
    result = runner.invoke(app, ["notify", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "当前符合条件 2 项；尚未通知的资格变化涉及 2 次匹配，其中可通知 2 项。" in result.stdout
    assert "样例：短信（济源测试企业1有限公司）" in result.stdout
    assert "【惠企政策】贵企业已符合《一次性开业补贴》申请条件" in result.stdout
    assert "试运行完成：将新入队通知 6 条，已生成 6 条，无法生成 0 条；未入队，未发送。" in (
        result.stdout
    )
    assert _queued(published) == 0 and inbox.messages == []


def test_a_run_enqueues_renders_and_sends_once(
    app: typer.Typer, published: Engine, inbox: Inbox
) -> None:
    with Session(published) as session:
        news_for_all(session, 2)
        session.commit()
    result = runner.invoke(app, ["notify"])
    assert result.exit_code == 0, result.output
    assert (
        "通知完成：符合条件 2 项，有变化 2 项；新入队 6 条，已生成 6 条，"
        "已发送 6 条，待重试 0 条，失败 0 条。" in result.stdout
    )
    assert len(inbox.messages) == 4

    again = runner.invoke(app, ["notify"])
    assert again.exit_code == 0, again.output
    assert "新入队 0 条，已生成 0 条，已发送 0 条" in again.stdout
    assert _queued(published) == 6 and len(inbox.messages) == 4


def test_unconfigured_channels_keep_their_notices_queued(
    app: typer.Typer, published: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matcher.notices.cli, "notice_settings", lambda: NoticeSettings())
    with Session(published) as session:
        news_for_all(session, 1)
        session.commit()
    result = runner.invoke(app, ["notify"])
    assert result.exit_code == 0, result.output
    assert "已发送 1 条" in result.stdout
    assert "仍在队列中、尚未发送 2 条" in result.stdout
    assert "未配置的渠道：电子邮件、短信" in result.stdout


def test_a_notice_that_failed_for_good_fails_the_run_and_one_to_retry_stays_queued(
    app: typer.Typer,
    published: Engine,
    smtp: tuple[int, SmtpHandler],
    webhook: Webhook,
    ledger_checkpoints: Path,
) -> None:
    with Session(published) as session:
        news_for_all(session, 2)
        session.commit()
    smtp[1].refuse["ent1@example.com"] = "550 5.1.1 No such user"
    webhook.script["+8613900000002"] = [503]  # tried again later
    result = runner.invoke(app, ["notify"])
    assert result.exit_code == 1, result.output
    assert "已发送 4 条，待重试 1 条，失败 1 条。" in result.stdout
    assert "仍在队列中、尚未发送 1 条" in result.stdout
    assert "1 条通知发送失败，不再重试；原因见工作人员页面的发送失败列表。" in result.stderr
    assert len(ledger_checkpoints.read_text("utf-8").splitlines()) == 1  # written all the same


def test_without_a_finished_run_there_is_nothing_to_tell(app: typer.Typer) -> None:
    result = runner.invoke(app, ["notify"])
    assert result.exit_code == 0, result.output
    assert "当前符合条件 0 项；尚未通知的资格变化涉及 0 次匹配，其中可通知 0 项。" in result.stdout


def test_the_nightly_run_ends_with_a_ledger_checkpoint(
    app: typer.Typer, ledger_checkpoints: Path
) -> None:
    dry = runner.invoke(app, ["notify", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert not ledger_checkpoints.exists()
    result = runner.invoke(app, ["notify"])
    assert result.exit_code == 0, result.output
    [line] = ledger_checkpoints.read_text("utf-8").splitlines()
    assert line.startswith(f"0 {'0' * 64} ")
    assert f"账本检查点：{line}" in result.stdout
    with ledger_checkpoints.open("a", encoding="utf-8") as file:
        file.write("forged\n")
    refused = runner.invoke(app, ["notify"])
    assert refused.exit_code == 1
    assert "账本核验未通过，不写入检查点：检查点文件第 2 行格式或签名无效。" in refused.stderr
    assert len(ledger_checkpoints.read_text("utf-8").splitlines()) == 2


@pytest.mark.parametrize("command", [["notify"], ["worker"]])
def test_template_mode_refuses_to_start_without_every_template(
    app: typer.Typer,
    webhook: Webhook,
    inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    registry = sms_templates().model_copy(update={"templates": {}})
    monkeypatch.setattr("matcher.notices.channels.sms_templates", lambda: registry)
    config = NoticeSettings(sms_webhook_url=webhook.url, sms_mode="template")
    monkeypatch.setattr(matcher.notices.cli, "notice_settings", lambda: config)
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    assert "短信模板无法使用：通知类型 initial 没有短信模板；" in result.stderr
    assert webhook.requests == [] and inbox.messages == []
