"""免申即享 (``no_application: true``) is refused at compile unless every fact the policy reads
comes from an authority."""

from pathlib import Path

from typer.testing import CliRunner

from matcher.cli import app
from matcher.policies.catalog import default_catalog
from matcher.profiles.authorities import DERIVED_INPUTS
from matcher.profiles.derived import derived_facts
from tests.no_application.policy_files import POLICY, POLICY_ID, catalog_dir, write_catalog

runner = CliRunner()
FILE = f"policies/jiyuan-2020/{POLICY_ID}.yaml"
PREFIX = f"[{POLICY_ID}] no_application: "


def _check(tmp_path: Path, text: str) -> str:
    root = catalog_dir(tmp_path / "policies", (POLICY_ID, text))
    result = runner.invoke(app, ["policies", "check", "--policies", str(root)])
    assert result.exit_code == 1, result.output
    return result.stderr


def test_a_policy_reading_only_authorities_facts_compiles(tmp_path: Path) -> None:
    compiled = write_catalog(tmp_path / "policies").get(POLICY_ID)
    assert compiled is not None and compiled.policy.no_application


def test_a_self_declared_fact_is_refused(tmp_path: Path) -> None:
    text = POLICY.replace(
        'expr: enterprise.operating_status == "operating"', "expr: enterprise.employees > 0"
    )
    assert (
        f"{PREFIX}免申即享的政策所读信息须来自权威部门：enterprise.employees（从业人数）由企业自报提供"
        in _check(tmp_path, text)
    )


def test_a_derived_fact_is_judged_by_what_it_derives_from(tmp_path: Path) -> None:
    text = POLICY.replace(
        'expr: enterprise.operating_status == "operating"',
        'expr: enterprise.size_class in ["small", "micro"]',
    )
    stderr = _check(tmp_path, text)
    assert (
        f"{PREFIX}免申即享的政策所读信息须来自权威部门：enterprise.size_class（企业规模）"
        "所依据的 enterprise.operating_revenue（营业收入（元）） 由企业自报提供"
    ) in stderr


def test_a_claim_fact_is_refused(tmp_path: Path) -> None:
    text = POLICY.replace(
        "criteria:\n",
        "claim_facts:\n  invoice_amount:\n    type: money\n    label: 发票金额\ncriteria:\n",
    ).replace('amount: "3000"', "amount: claim.invoice_amount")
    assert (
        f"{PREFIX}免申即享的政策不能读取申请时填写的信息：claim.invoice_amount（发票金额）"
        in _check(tmp_path, text)
    )


def test_a_policy_without_a_once_per_enterprise_limit_is_refused(tmp_path: Path) -> None:
    text = POLICY.replace(
        "    - per: enterprise.uscc\n      max_count: 1\n      clause: 每户一次\n", ""
    )
    text = text.replace("  limits:\n", "")
    assert (
        f"{PREFIX}免申即享须设置按企业计次的限额（benefit.limits 中 per: enterprise.uscc 且给出"
        " max_count），账本据此保证同一企业不会重复兑现"
    ) in _check(tmp_path, text)


def test_no_seed_policy_is_no_application() -> None:
    """The 2020 text designates no measure 免申即享: the flag is never invented."""
    assert not [c.id for c in default_catalog() if c.policy.no_application]


def test_every_derived_fact_names_what_it_derives_from() -> None:
    assert {spec.path.removeprefix("enterprise.") for spec in derived_facts()} == set(
        DERIVED_INPUTS
    )
