import json
import shutil
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli import app
from matcher.config import BUNDLED_CATALOG, DEMO_ENTERPRISE
from matcher.policies.catalog import default_catalog

runner = CliRunner()
DEMO = str(DEMO_ENTERPRISE)


def test_policies_check_passes_on_the_seed_catalog() -> None:
    result = runner.invoke(app, ["policies", "check"])
    assert result.exit_code == 0, result.output
    assert f"政策 {len(default_catalog())} 项" in result.stdout
    assert "失败 0" in result.stdout


def test_policies_check_fails_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(BUNDLED_CATALOG, root)
    path = root / "jiyuan-2020/credit-green-channel.yaml"
    text = path.read_text("utf-8").replace('== "red"', '== "gold"')
    path.write_text(text, "utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '== "gold"' in row)
    result = runner.invoke(app, ["policies", "check", "--policies", str(root)])
    assert result.exit_code == 1
    assert (
        f"policies/jiyuan-2020/credit-green-channel.yaml:{line}: [credit-green-channel] "
        "criteria.0.expr:" in result.stderr
    )
    assert "'gold' 不是可选值之一（black、none、red）" in result.stderr


def test_match_prints_chinese_for_people() -> None:
    result = runner.invoke(app, ["match", DEMO, "--as-of", "2020-08-01"])
    assert result.exit_code == 0, result.output
    assert "企业规模：小型" in result.stdout
    assert "可于 2020-09-16 起申请" in result.stdout
    assert "【符合条件】" in result.stdout


def test_match_json_for_programs() -> None:
    result = runner.invoke(app, ["match", DEMO, "--as-of", "2020-08-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["enterprise"]["uscc"] == "91419001MA4000000C"
    assert len(data["entitlements"]) == len(default_catalog().in_force(date(2020, 8, 1)))


def test_match_rejects_an_invalid_profile_with_field_errors(tmp_path: Path) -> None:
    profile = tmp_path / "bad.json"
    profile.write_text(json.dumps({"uscc": "91419001MA4000000D", "name": "x", "employees": -3}))
    result = runner.invoke(app, ["match", str(profile)])
    assert result.exit_code == 2
    assert "uscc: 统一社会信用代码 '91419001MA4000000D' 无效：校验码错误" in result.stderr
    assert "employees: 不能小于 0" in result.stderr


def test_match_rejects_a_bad_date() -> None:
    result = runner.invoke(app, ["match", DEMO, "--as-of", "2020-13-01"])
    assert result.exit_code == 2
    assert "日期无效：2020-13-01" in result.stderr
