"""Test cases beside each policy (``<id>.cases.yaml``): profile, claim, date → expected verdict.

The same runner serves ``matcher policies check`` and the pytest suite.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from matcher.eligibility.evaluate import evaluate_one
from matcher.eligibility.results import Entitlement, Outcome, Status
from matcher.policies.catalog import CASES_SUFFIX, Catalog
from matcher.policies.compile import CompiledPolicy
from matcher.policies.issues import CatalogError, CatalogIssue, display_path, validation_issues
from matcher.policies.yaml_source import YamlSyntaxError, load_yaml
from matcher.profiles.errors import ProfileError
from matcher.profiles.parse import parse_profile

# Every case profile starts from these, so a case states only the facts it is about.
BASE_PROFILE = {"uscc": "91419001MA4000000C", "name": "测试企业", "registration_area": "419001"}
"""A test enterprise registered in 济源; a case sets any of these facts to test otherwise."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expectation(_Strict):
    status: Status
    amount: Decimal | None = None
    failing: tuple[str, ...] | None = None
    undetermined: tuple[str, ...] | None = None
    eligible_from: date | None = None
    working_days: int | None = None
    in_force: bool | None = None
    """Whether the policy's effective period covers the case's date: a case on a policy's
    last day expects ``true``, one on the day after ``false``."""


class Case(_Strict):
    name: str = Field(min_length=1)
    as_of: date
    profile: dict[str, Any] = Field(default_factory=dict)
    claim: dict[str, Any] | None = None
    expect: Expectation


_CASES = TypeAdapter(list[Case])


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    policy: str
    name: str
    file: Path
    line: int | None
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class LoadedCase:
    policy: CompiledPolicy
    case: Case
    file: Path
    line: int | None


def _ids(entitlement: Entitlement, outcome: Outcome) -> tuple[str, ...]:
    return tuple(c.id for c in entitlement.criteria if c.result is outcome)


def _compare(case: Case, entitlement: Entitlement, in_force: bool) -> list[str]:
    expect, problems = case.expect, []
    checks: list[tuple[str, Any, Any]] = [("status", expect.status, entitlement.status)]
    given = expect.model_fields_set
    if "in_force" in given:
        checks.append(("in_force", expect.in_force, in_force))
    if "amount" in given:
        checks.append(("amount", expect.amount, entitlement.amount))
    if "failing" in given:
        checks.append(("failing", expect.failing, _ids(entitlement, Outcome.FAIL)))
    if "undetermined" in given:
        checks.append(("undetermined", expect.undetermined, _ids(entitlement, Outcome.UNKNOWN)))
    if "eligible_from" in given:
        checks.append(("eligible_from", expect.eligible_from, entitlement.eligible_from))
    if "working_days" in given:
        checks.append(("working_days", expect.working_days, entitlement.working_days))
    for name, wanted, got in checks:
        if wanted != got:
            problems.append(f"{name}: 期望 {wanted}，实际 {got}")
    return problems


def run_case(loaded: LoadedCase) -> CaseOutcome:
    """Evaluate one case and compare with what it expects."""
    case = loaded.case
    try:
        profile = parse_profile({**BASE_PROFILE, **case.profile}, loaded.policy.declared)
        entitlement = evaluate_one(loaded.policy, profile, case.as_of, case.claim)
        in_force = loaded.policy.policy.effective.covers(case.as_of)
        problems = _compare(case, entitlement, in_force)
    except ProfileError as error:
        problems = [f"{e.field}: {e.message}" for e in error.errors]
    return CaseOutcome(loaded.policy.id, case.name, loaded.file, loaded.line, tuple(problems))


def cases_path(compiled: CompiledPolicy, catalog: Catalog) -> Path:
    return catalog.root.parent / compiled.path.with_name(compiled.id + CASES_SUFFIX)


def load_cases(catalog: Catalog) -> list[LoadedCase]:
    """Every policy's test cases; a policy without cases, or a malformed file, is an error."""
    loaded: list[LoadedCase] = []
    issues: list[CatalogIssue] = []
    for compiled in catalog:
        path = cases_path(compiled, catalog)
        shown = display_path(path, catalog.root)
        if not path.exists():
            issues.append(CatalogIssue(shown, None, compiled.id, "", "缺少测试用例文件"))
            continue
        try:
            document = load_yaml(path)
            cases = _CASES.validate_python(document.data)
        except YamlSyntaxError as error:
            issues.append(CatalogIssue(shown, error.line, compiled.id, "", error.message))
            continue
        except ValidationError as error:
            issues.extend(validation_issues(error, document, shown, compiled.id))
            continue
        if not cases:
            issues.append(CatalogIssue(shown, None, compiled.id, "", "测试用例为空"))
        for index, case in enumerate(cases):
            loaded.append(LoadedCase(compiled, case, shown, document.line_of((index,))))
    if issues:
        raise CatalogError(issues)
    return loaded
