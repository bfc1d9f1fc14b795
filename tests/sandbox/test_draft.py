"""A draft is compiled as publishing compiles it: the same checks, errors, lines and files."""

from pathlib import Path

import pytest

from matcher.policies.catalog import default_catalog
from matcher.policies.issues import CatalogError
from matcher.sandbox.draft import compile_draft, current_text
from tests.sandbox.conftest import DRAFTS, STARTUP, edited, published


def test_a_new_version_replaces_the_current_file() -> None:
    relative, old, new = DRAFTS["doubled-amount"]
    draft = compile_draft(default_catalog(), edited(relative, old, new))
    assert draft.current is not None
    assert draft.current is default_catalog().get("startup-subsidy")
    assert draft.policy.path == Path("catalog/jiyuan-2020/startup-subsidy.yaml")
    assert draft.policy.version != draft.current.version
    assert draft.policy.amount is not None and draft.policy.amount.text == "10000"


def test_the_current_file_unchanged_is_the_current_version() -> None:
    text = current_text(default_catalog(), "startup-subsidy")
    assert text is not None
    draft = compile_draft(default_catalog(), text)
    assert draft.current is not None and draft.policy.version == draft.current.version
    assert current_text(default_catalog(), "no-such-policy") is None


def test_a_new_policy_goes_beside_the_catalog() -> None:
    text = edited(STARTUP, "id: startup-subsidy", "id: startup-subsidy-2027")
    draft = compile_draft(default_catalog(), text)
    assert draft.current is None
    assert draft.policy.path == Path("catalog/draft/startup-subsidy-2027.yaml")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('amount: "5000"', "amount: 5000 +"),  # an expression that does not parse
        ('amount: "5000"', 'amount: "5000" +'),  # YAML that does not parse
        ("criteria:", "criterion:"),  # an unknown key
        ("replaces", "replaces"),  # placeholder replaced below: a reference to no policy
        ("kind: cash_subsidy", "kind: cash_subsidy\n  kind: service"),  # a key written twice
    ],
)
def test_every_problem_is_reported_as_publishing_reports_it(
    tmp_path: Path, old: str, new: str
) -> None:
    if old == "replaces":
        old, new = "units:", "excludes:\n  - policy: no-such-policy\n    assumption: 测试\nunits:"
    text = edited(STARTUP, old, new)
    with pytest.raises(CatalogError) as publishing:
        published(tmp_path, STARTUP, text)
    with pytest.raises(CatalogError) as drafted:
        compile_draft(default_catalog(), text)
    assert drafted.value.issues == publishing.value.issues
    assert str(drafted.value) == str(publishing.value)


def test_a_draft_that_names_no_usable_id_is_refused_with_the_loaders_words() -> None:
    with pytest.raises(CatalogError) as broken:
        compile_draft(default_catalog(), "id: [startup")
    assert [str(i) for i in broken.value.issues] == [
        "catalog/draft/draft.yaml:1: YAML 语法错误：expected ',' or ']', but got '<stream end>'"
    ]
    with pytest.raises(CatalogError) as unnamed:
        compile_draft(default_catalog(), edited(STARTUP, "id: startup-subsidy", "id: Startup"))
    assert str(unnamed.value.issues[0]).startswith("catalog/draft/draft.yaml:2: [Startup] id: ")
