"""Every policy's own test cases (``<id>.cases.yaml``), one pytest item each."""

from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.eligibility.cases import LoadedCase, load_cases, run_case
from matcher.policies.catalog import default_catalog, load_catalog
from matcher.policies.issues import CatalogError

Editor = Callable[[Path, str, str], None]
CASES = load_cases(default_catalog())


@pytest.mark.parametrize("loaded", CASES, ids=lambda c: f"{c.policy.id}: {c.case.name}")
def test_policy_case(loaded: LoadedCase) -> None:
    outcome = run_case(loaded)
    assert outcome.passed, "\n".join(outcome.problems)


def test_every_policy_has_cases() -> None:
    assert {c.policy.id for c in CASES} == {p.id for p in default_catalog()}


def test_a_wrong_expectation_fails_with_the_difference(
    catalog_copy: Path, replace_in: Editor
) -> None:
    path = catalog_copy / "jiyuan-2020/credit-green-channel.cases.yaml"
    replace_in(path, "profile: {credit_list: none}", "profile: {credit_list: red}")
    failing = [o for o in map(run_case, load_cases(load_catalog(catalog_copy))) if not o.passed]
    assert [(o.policy, o.name, o.problems) for o in failing] == [
        (
            "credit-green-channel",
            "未上榜",
            ("status: 期望 not_eligible，实际 eligible", "failing: 期望 ('red_list',)，实际 ()"),
        )
    ]


def test_malformed_cases_file_is_refused(catalog_copy: Path, replace_in: Editor) -> None:
    path = catalog_copy / "jiyuan-2020/credit-green-channel.cases.yaml"
    replace_in(path, "status: eligible", "status: maybe")
    with pytest.raises(CatalogError) as caught:
        load_cases(load_catalog(catalog_copy))
    [issue] = caught.value.issues
    assert (issue.policy, issue.field, issue.line) == ("credit-green-channel", "0.expect.status", 4)


def test_a_case_checks_whether_the_policy_is_in_force_on_its_date(
    catalog_copy: Path, replace_in: Editor
) -> None:
    path = catalog_copy / "jiyuan-2020/credit-green-channel.cases.yaml"
    replace_in(path, "in_force: false", "in_force: true")
    failing = [o for o in map(run_case, load_cases(load_catalog(catalog_copy))) if not o.passed]
    assert [(o.policy, o.name, o.problems) for o in failing] == [
        ("credit-green-channel", "2021年1月1日起已结束", ("in_force: 期望 True，实际 False",))
    ]
