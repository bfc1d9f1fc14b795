"""An entitlement list for a page: grouped by status, each value seen with its fact's label,
and each missing fact phrased as the question that would decide it."""

from dataclasses import dataclass

from matcher.eligibility.results import (
    CriterionResult,
    Entitlement,
    EntitlementList,
    MissingFact,
    Outcome,
    Status,
)
from matcher.policies.catalog import Catalog
from matcher.profiles.declared import DeclaredFacts
from matcher.profiles.labels import show_value
from matcher.profiles.schema import enterprise_schema, fact_label
from matcher.rules import Schema

_ORDER = (Status.ELIGIBLE, Status.UNDETERMINED, Status.NOT_ELIGIBLE)
OUTCOME_MARKS = {Outcome.PASS: "✓", Outcome.FAIL: "✗", Outcome.UNKNOWN: "?"}


@dataclass(frozen=True, slots=True)
class Seen:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class CriterionView:
    criterion: CriterionResult
    mark: str
    seen: tuple[Seen, ...]


@dataclass(frozen=True, slots=True)
class EntitlementView:
    entitlement: Entitlement
    criteria: tuple[CriterionView, ...]
    questions: tuple[str, ...]
    """What is still undetermined, as requests: "请补充：从业人数"."""
    unmet: tuple[str, ...]
    """Labels of the criteria that failed."""
    rivals: tuple[str, ...] = ()
    """Titles of the benefits that cannot be combined with this one."""


@dataclass(frozen=True, slots=True)
class StatusGroup:
    status: Status
    items: tuple[EntitlementView, ...]


@dataclass(frozen=True, slots=True)
class ResultView:
    result: EntitlementList
    groups: tuple[StatusGroup, ...]


def question(missing: MissingFact, schema: Schema) -> str:
    """A claim fact comes with the application; an enterprise fact can be supplied now."""
    label = fact_label(schema, missing.fact)
    if missing.fact.startswith("claim."):
        return f"申请时需提供：{label}"
    hint = f"（{missing.suggestion}，仅供参考）" if missing.suggestion else ""
    return f"请补充：{label}{hint}"


def _criterion(
    criterion: CriterionResult, schema: Schema, declared: DeclaredFacts
) -> CriterionView:
    seen = tuple(
        Seen(fact_label(schema, path), show_value(path, value, declared.words(path)))
        for path, value in criterion.values.items()
    )
    return CriterionView(criterion, OUTCOME_MARKS[criterion.result], seen)


def _entitlement(entitlement: Entitlement, schema: Schema, catalog: Catalog) -> EntitlementView:
    return EntitlementView(
        entitlement,
        tuple(_criterion(c, schema, catalog.facts) for c in entitlement.criteria),
        tuple(question(m, schema) for m in entitlement.missing_facts),
        tuple(c.label for c in entitlement.criteria if c.result is Outcome.FAIL),
        tuple(_title(catalog, other) for other in entitlement.excludes),
    )


def _title(catalog: Catalog, policy_id: str) -> str:
    compiled = catalog.get(policy_id)
    return policy_id if compiled is None else compiled.policy.title


def present_result(result: EntitlementList, catalog: Catalog) -> ResultView:
    """``result`` grouped 符合条件, 待确认, 不符合条件, in that order, empty groups left out."""
    views = []
    for entitlement in result.entitlements:
        compiled = catalog.get(entitlement.policy_id)
        schema = compiled.schema if compiled is not None else enterprise_schema()
        views.append(_entitlement(entitlement, schema, catalog))
    groups = tuple(
        StatusGroup(status, tuple(v for v in views if v.entitlement.status is status))
        for status in _ORDER
    )
    return ResultView(result, tuple(g for g in groups if g.items))
