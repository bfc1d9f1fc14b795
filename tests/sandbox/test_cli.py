"""``matcher sandbox run``: the figures in Chinese or as JSON; a refused draft as ``policies
check`` reports it."""

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

import matcher.console
import matcher.sandbox.cli
from matcher.config import DEMO_ENTERPRISE
from matcher.db import session_scope
from matcher.demo import with_demo_founder
from matcher.enterprises.repository import EnterpriseRepository
from matcher.profiles.parse import parse_profile_json
from tests.sandbox.conftest import DRAFTS, STARTUP, edited

DEMO = parse_profile_json(DEMO_ENTERPRISE.read_text("utf-8"))


@pytest.fixture
def runner(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(with_demo_founder(DEMO), "registration", "test")
    monkeypatch.setattr(matcher.console, "default_engine", lambda: engine)
    return CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("other")(lambda: None)  # a group, as under ``matcher``
    matcher.sandbox.cli.register(app)
    return app


def _draft(tmp_path: Path, text: str) -> str:
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_figures_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    draft = _draft(tmp_path, edited(*DRAFTS["doubled-amount"]))
    result = runner.invoke(_app(), ["sandbox", "run", draft, "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "政策沙盘：一次性开业补贴（startup-subsidy）　评估日期 2026-01-01　企业 1 家" in out
    assert "符合条件金额（元） │ 10,000.00 │ 5,000.00" in out
    assert "白银深加工" in out and "小型" in out
    assert "受益 1 家（+5,000.00 元），受损 0 家（0.00 元），不变 0 家" in out
    assert f"{DEMO.uscc} │ 符合条件 │ 符合条件  │  +5,000.00 │" in out
    assert "│ 5,000.00 │ 10,000.00 │" in out
    assert "该政策未设资金预算。" in out
    assert "沙盘只读：未写入资格快照，未发送通知。" in out


def test_the_figures_as_json(runner: CliRunner, tmp_path: Path) -> None:
    draft = _draft(tmp_path, edited(*DRAFTS["doubled-amount"]))
    result = runner.invoke(_app(), ["sandbox", "run", draft, "--as-of", "2026-01-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {
        "policy_id",
        "title",
        "version",
        "as_of",
        "in_force",
        "enterprises",
        "figures",
        "by_cluster",
        "by_size",
        "budget",
        "comparison",
        "seconds",
    }
    assert data["figures"] == {
        "eligible": 1,
        "undetermined": 0,
        "waiting": 0,
        "not_eligible": 0,
        "eligible_amount": "10000.00",
        "undetermined_amount": "0.00",
        "amount_unknown": 0,
    }
    assert [g["value"] for g in data["by_cluster"]] == ["silver"]
    comparison = data["comparison"]
    assert (comparison["gaining"], comparison["losing"], comparison["delta"]) == (1, 0, "5000.00")
    assert comparison["gainers"] == [
        {
            "uscc": DEMO.uscc,
            "name": "济源市银辉新材料有限公司",
            "old_verdict": "eligible",
            "old_amount": "5000.00",
            "new_verdict": "eligible",
            "new_amount": "10000.00",
            "delta": "5000.00",
        }
    ]


def test_a_refused_draft_is_reported_as_policies_check_reports_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    draft = _draft(tmp_path, edited(STARTUP, 'amount: "5000"', "amount: enterprise.name"))
    result = runner.invoke(_app(), ["sandbox", "run", draft])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "catalog/jiyuan-2020/startup-subsidy.yaml:30: [startup-subsidy] benefit.amount: "
        "第 1 列：此处需要数值，表达式的结果是文本（表达式：enterprise.name）",
        "草案未通过检查：1 处错误，与发布时的检查相同",
    ]


def test_a_missing_file_or_a_bad_date(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["sandbox", "run", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "无法读取" in result.stderr
    draft = _draft(tmp_path, edited(*DRAFTS["doubled-amount"]))
    result = runner.invoke(_app(), ["sandbox", "run", draft, "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert "日期无效：2026-02-30" in result.stderr
