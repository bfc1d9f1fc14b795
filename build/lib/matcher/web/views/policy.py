"""One policy for its page in plain words: limits, time limits, dated parameters and the
benefits it cannot be combined with. No expression text: criteria are shown by their labels
and the clauses they come from."""

from dataclasses import dataclass

from matcher.policies.catalog import Catalog
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import Criterion, Limit, Parameter, ParameterValue
from matcher.profiles.labels import show_money
from matcher.profiles.schema import fact_label
from matcher.rules import Schema, ast

SHORT_VERSION = 12
"""How much of a version hash the staff's pages show."""


@dataclass(frozen=True, slots=True)
class LimitText:
    text: str
    clause: str


@dataclass(frozen=True, slots=True)
class ParameterView:
    label: str
    unit: str
    values: tuple[ParameterValue, ...]


@dataclass(frozen=True, slots=True)
class PolicyView:
    compiled: CompiledPolicy
    criteria: tuple[Criterion, ...]
    working_days_text: str | None
    limits: tuple[LimitText, ...]
    claim_facts: tuple[str, ...]
    """Labels of the facts an application brings (a contract's amount, say)."""
    parameters: tuple[ParameterView, ...]
    rivals: tuple[str, ...]
    """Titles of the benefits that cannot be combined with this one."""


def _limit(limit: Limit, schema: Schema) -> LimitText:
    per = fact_label(schema, limit.per)
    if limit.max_count is not None:
        return LimitText(f"每个「{per}」限 {limit.max_count} 次", limit.clause)
    return LimitText(f"每个「{per}」累计不超过 {show_money(limit.max_amount)}", limit.clause)


def _working_days(compiled: CompiledPolicy) -> str | None:
    """ "N 个工作日" when the time limit is one number; "视情形而定" when it depends on facts."""
    if compiled.working_days is None:
        return None
    node = compiled.working_days.node
    if isinstance(node, ast.Literal) and isinstance(node.value, int):
        return f"{node.value} 个工作日"
    return "视情形而定，见下方原文"


def _parameter(parameter: Parameter) -> ParameterView:
    return ParameterView(parameter.label, parameter.unit, parameter.values)


def present_policy(compiled: CompiledPolicy, catalog: Catalog) -> PolicyView:
    schema, policy = compiled.schema, compiled.policy
    rivals = []
    for exclusion in policy.excludes:
        other = catalog.get(exclusion.policy)
        rivals.append(exclusion.policy if other is None else other.policy.title)
    return PolicyView(
        compiled,
        tuple(c.spec for c in compiled.criteria),
        _working_days(compiled),
        tuple(_limit(limit, schema) for limit in policy.benefit.limits),
        tuple(fact.label for fact in policy.claim_facts.values()),
        tuple(_parameter(p) for p in policy.parameters.values()),
        tuple(rivals),
    )
