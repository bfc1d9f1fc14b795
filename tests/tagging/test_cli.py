from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app

runner = CliRunner()


def test_train_rebuilds_the_cached_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    result = runner.invoke(app, ["tagging", "train"])
    assert result.exit_code == 0, result.output
    assert "已训练：语料" in result.stdout
    [model] = (tmp_path / "tagging").glob("tagging-*.joblib")
    first = model.stat().st_mtime_ns
    assert runner.invoke(app, ["tagging", "train"]).exit_code == 0
    assert model.stat().st_mtime_ns > first


def test_suggest_prints_the_ranked_industries() -> None:
    result = runner.invoke(app, ["tagging", "suggest", "应用软件开发；信息系统集成服务"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("行业门类：I 信息传输、软件和信息技术服务业（")
    empty = runner.invoke(app, ["tagging", "suggest", "  "])
    assert "说明：经营范围为空，无法推断行业" in empty.stdout
