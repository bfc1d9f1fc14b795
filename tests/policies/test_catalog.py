from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.policies.catalog import load_catalog
from matcher.policies.issues import CatalogError, CatalogIssue

Editor = Callable[[Path, str, str], None]
PROGRAMME = Path("policies/jiyuan-2020")


def _issues(root: Path) -> list[CatalogIssue]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    return caught.value.issues


def _line(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_seed_catalog_loads_every_policy_with_a_content_version() -> None:
    catalog = load_catalog()
    ids = {p.id for p in catalog}
    assert {
        "startup-subsidy",
        "tech-transfer-subsidy",
        "procurement-sme-reservation",
        "procurement-small-micro-reservation",
        "simplified-deregistration",
        "small-low-profit-income-tax",
        "rnd-super-deduction",
        "construction-guarantee-letter",
        "patent-pledge-subsidy",
        "inclusive-small-micro-loan",
        "credit-green-channel",
        "startup-guarantee-loan",
        "zero-investment-power-connection",
        "export-rebate-fast-processing",
        "free-company-seals",
        "sme-procurement-reservation",
        "small-micro-procurement-reservation",
        "small-micro-procurement-price-deduction",
        "enterprise-simplified-deregistration",
        "market-entity-simplified-deregistration",
    } <= ids
    for policy in catalog:
        assert len(policy.version) == 64
        assert all(c.spec.clause for c in policy.criteria)
        if policy.path.parent == PROGRAMME:
            assert policy.policy.source.document == "济管办〔2020〕15号"


def test_every_error_of_every_file_is_listed_and_nothing_is_loaded(
    catalog_copy: Path, replace_in: Editor
) -> None:
    startup = catalog_copy / "jiyuan-2020/startup-subsidy.yaml"
    transfer = catalog_copy / "jiyuan-2020/tech-transfer-subsidy.yaml"
    loan = catalog_copy / "jiyuan-2020/inclusive-small-micro-loan.yaml"
    replace_in(
        startup,
        "years_between(enterprise.registered_on, as_of) >= 1",
        "years_between(enterprise.registerd_on, as_of) >= 1",
    )
    replace_in(transfer, "kind: cash_subsidy", "kind: cash_gift")
    replace_in(transfer, "  article: 13", "  article: 13\n  page: 4")
    replace_in(
        loan, "enterprise.bank_credit_total <= 10000000", 'enterprise.bank_credit_total <= "1000万"'
    )
    issues = _issues(catalog_copy)
    shown = {(str(i.file), i.line, i.policy, i.field) for i in issues}
    assert shown == {
        (
            str(PROGRAMME / "startup-subsidy.yaml"),
            _line(startup, "registerd_on"),
            "startup-subsidy",
            "criteria.5.expr",
        ),
        (
            str(PROGRAMME / "tech-transfer-subsidy.yaml"),
            _line(transfer, "cash_gift"),
            "tech-transfer-subsidy",
            "benefit.kind",
        ),
        (
            str(PROGRAMME / "tech-transfer-subsidy.yaml"),
            _line(transfer, "page: 4"),
            "tech-transfer-subsidy",
            "source.page",
        ),
        (
            str(PROGRAMME / "inclusive-small-micro-loan.yaml"),
            _line(loan, '<= "1000万"'),
            "inclusive-small-micro-loan",
            "criteria.1.expr",
        ),
    }
    messages = {i.field: i.message for i in issues}
    assert messages["criteria.5.expr"] == (
        "第 15 列：未知字段 enterprise.registerd_on，是否想写 enterprise.registered_on？"
        "（表达式：years_between(enterprise.registerd_on, as_of) >= 1）"
    )
    assert messages["source.page"] == "未知字段"
    assert messages["criteria.1.expr"].startswith("第 30 列：不能用 <= 比较数值与文本")


def test_yaml_syntax_error_names_the_line(catalog_copy: Path, replace_in: Editor) -> None:
    path = catalog_copy / "jiyuan-2020/credit-green-channel.yaml"
    replace_in(path, "units: [", "units: [[")
    issues = _issues(catalog_copy)
    assert len(issues) == 1
    assert issues[0].file == PROGRAMME / "credit-green-channel.yaml"
    assert issues[0].message.startswith("YAML 语法错误")
    assert issues[0].line is not None


def test_duplicate_ids_and_file_names(catalog_copy: Path, replace_in: Editor) -> None:
    source = catalog_copy / "jiyuan-2020/credit-green-channel.yaml"
    copy = catalog_copy / "jiyuan-2020/credit-green-channel-2.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    issues = _issues(catalog_copy)
    assert [(i.file.name, i.field, i.message) for i in issues] == [
        ("credit-green-channel-2.yaml", "id", "文件名应与 id 一致：credit-green-channel.yaml"),
    ]


def test_unknown_limit_fact_is_an_error(catalog_copy: Path, replace_in: Editor) -> None:
    path = catalog_copy / "jiyuan-2020/startup-subsidy.yaml"
    replace_in(path, "per: claim.founder_id_hash", "per: claim.founder")
    issues = _issues(catalog_copy)
    assert [(i.field, i.message) for i in issues] == [
        ("benefit.limits.0.per", "未知字段 claim.founder")
    ]


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    issues = _issues(tmp_path)
    assert [i.message for i in issues] == ["目录中没有政策文件"]
