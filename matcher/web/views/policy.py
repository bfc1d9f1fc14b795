"""One policy for its page: rules with fact labels in place of fact paths, limits in words."""

import re
from dataclasses import dataclass

from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import Criterion, Limit
from matcher.profiles.labels import show_money
from matcher.profiles.schema import fact_label
from matcher.rules import Expression, Schema

SHORT_VERSION = 12


@dataclass(frozen=True, slots=True)
class CriterionRule:
    spec: Criterion
    rule: str


@dataclass(frozen=True, slots=True)
class LimitText:
    text: str
    clause: str


@dataclass(frozen=True, slots=True)
class PolicyView:
    compiled: CompiledPolicy
    criteria: tuple[CriterionRule, ...]
    amount_rule: str | None
    working_days_rule: str | None
    limits: tuple[LimitText, ...]
    claim_facts: tuple[str, ...]
    """Labels of the facts an application brings (a contract's amount, say)."""

    @property
    def short_version(self) -> str:
        return self.compiled.version[:SHORT_VERSION]


def readable(expression: Expression, schema: Schema) -> str:
    """The expression's text with each fact path replaced by 「its label」."""
    text = expression.text
    for path in sorted(set(expression.fields), key=len, reverse=True):
        pattern = rf"(?<![\w.]){re.escape(path)}(?![\w.])"
        text = re.sub(pattern, f"「{fact_label(schema, path)}」", text)
    return " ".join(text.split())


def _limit(limit: Limit, schema: Schema) -> LimitText:
    per = fact_label(schema, limit.per)
    if limit.max_count is not None:
        return LimitText(f"每个「{per}」限 {limit.max_count} 次", limit.clause)
    return LimitText(f"每个「{per}」累计不超过 {show_money(limit.max_amount)}", limit.clause)


def present_policy(compiled: CompiledPolicy) -> PolicyView:
    schema = compiled.schema
    return PolicyView(
        compiled,
        tuple(CriterionRule(c.spec, readable(c.expression, schema)) for c in compiled.criteria),
        readable(compiled.amount, schema) if compiled.amount else None,
        readable(compiled.working_days, schema) if compiled.working_days else None,
        tuple(_limit(limit, schema) for limit in compiled.policy.benefit.limits),
        tuple(fact.label for fact in compiled.policy.claim_facts.values()),
    )
