"""Policy files: a key written twice is an error, and a syntax error names the line to fix."""

from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.policies.catalog import load_catalog
from matcher.policies.issues import CatalogError, CatalogIssue

Editor = Callable[[Path, str, str], None]
PROGRAMME = Path("policies/jiyuan-2020")


def _only_issue(root: Path) -> CatalogIssue:
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    [issue] = caught.value.issues
    return issue


def _line(path: Path, needle: str, occurrence: int = 1) -> int:
    found = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def test_a_second_amount_is_an_error_not_a_silent_winner(
    catalog_copy: Path, replace_in: Editor
) -> None:
    path = catalog_copy / "jiyuan-2020/startup-subsidy.yaml"
    replace_in(path, '  amount: "5000"\n', '  amount: "5000"\n  amount: "50000"\n')
    first, second = _line(path, "  amount: "), _line(path, "  amount: ", 2)
    issue = _only_issue(catalog_copy)
    assert str(issue) == (
        f"{PROGRAMME / 'startup-subsidy.yaml'}:{second}: 键 amount 重复（第 {first} 行已有）"
    )


def test_a_duplicate_key_deep_in_a_list_names_its_line(
    catalog_copy: Path, replace_in: Editor
) -> None:
    path = catalog_copy / "jiyuan-2020/startup-subsidy.yaml"
    replace_in(
        path,
        "    label: 依托济源创业孵化基地创业\n",
        "    label: 依托济源创业孵化基地创业\n    label: 别的\n",
    )
    issue = _only_issue(catalog_copy)
    assert issue.line == _line(path, "    label: 别的")
    assert issue.message == f"键 label 重复（第 {issue.line - 1} 行已有）"


def test_a_repeated_key_in_another_mapping_is_no_duplicate(
    catalog_copy: Path, replace_in: Editor
) -> None:
    """Each criterion has its own ``label``: uniqueness is per mapping."""
    assert len(load_catalog(catalog_copy)) >= 14


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("label: 申领创业者（身份证号哈希）", "label: '申领创业者", "label: '申领创业者"),
        ("    label: 在济源登记注册\n", "    label: [在济源登记注册\n", "label: [在济源登记注册"),
        ("    label: 在济源登记注册\n", "   label: 在济源登记注册\n", "   label: 在济源登记注册"),
        ("    label: 在济源登记注册\n", "    label: 在济源: 登记注册\n", "label: 在济源: 登记注册"),
    ],
    ids=["unclosed quote", "unclosed bracket", "bad indentation", "stray colon"],
)
def test_a_syntax_error_names_the_line_to_fix(
    catalog_copy: Path, replace_in: Editor, old: str, new: str, needle: str
) -> None:
    path = catalog_copy / "jiyuan-2020/startup-subsidy.yaml"
    replace_in(path, old, new)
    issue = _only_issue(catalog_copy)
    assert issue.file == PROGRAMME / "startup-subsidy.yaml"
    assert issue.message.startswith("YAML 语法错误")
    assert issue.line == _line(path, needle)
