"""A validated policy file turned into a policy the evaluator can run.

Every expression is parsed and type-checked against the enterprise schema extended by the
catalog's declared facts and the policy's claim facts. Errors are collected, not raised one by
one, so a policy officer sees them all at once.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from matcher.policies.claims import claim_fact_specs, claim_model
from matcher.policies.issues import CatalogIssue
from matcher.policies.model import BenefitKind, Criterion, Policy
from matcher.policies.parameters import definitions as parameter_definitions
from matcher.policies.yaml_source import Location, YamlDocument
from matcher.profiles.authorities import NOT_AN_AUTHORITY, authority_of, recorded_inputs
from matcher.profiles.declared import AUTHORITY_LABELS, NO_DECLARED_FACTS, DeclaredFacts
from matcher.profiles.schema import enterprise_schema
from matcher.rules import Expression, RuleError, Schema, compile_expression
from matcher.rules import types as rt


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    spec: Criterion
    expression: Expression


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A policy ready to evaluate. ``version`` is the SHA-256 of its canonical content."""

    policy: Policy
    path: Path
    version: str
    schema: Schema
    criteria: tuple[CompiledCriterion, ...]
    amount: Expression | None
    working_days: Expression | None
    claim_model: type[BaseModel] = field(repr=False)
    declared: DeclaredFacts = field(default=NO_DECLARED_FACTS, repr=False)
    """The catalog's declared facts, which the policy was compiled against."""

    @property
    def id(self) -> str:
        return self.policy.id


LATER_KEYS: dict[str, Any] = {"no_application": False, "public_notice": None}
"""Policy keys and their unset values, left out of :func:`content_version` when unset."""


def content_version(policy: Policy, used: Mapping[str, Any] | None = None) -> str:
    """The content hash that identifies one published version of a policy: its file, and the
    declarations of the declared facts it names (``used``), so that changing what such a fact
    means publishes a new version. Keys added since versions were first published
    (:data:`LATER_KEYS`) count only when set, so a policy that does not use them keeps its hash."""
    content = policy.model_dump(mode="json", by_alias=True)
    for key, unset in LATER_KEYS.items():
        if content.get(key) == unset:
            del content[key]
    if used:
        content = {"policy": content, "declared_facts": dict(used)}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _PolicyCompiler:
    def __init__(
        self, policy: Policy, document: YamlDocument, display_path: Path, declared: DeclaredFacts
    ) -> None:
        self.policy, self.document, self.display_path = policy, document, display_path
        self.declared = declared
        self.schema = enterprise_schema().extended(
            [*declared.fact_specs(), *claim_fact_specs(policy)]
        )
        self.definitions = parameter_definitions(policy)
        self.issues: list[CatalogIssue] = []

    def expression(self, text: str, location: Location, expected: rt.Type) -> Expression | None:
        try:
            return compile_expression(text, self.schema, expected, self.definitions)
        except RuleError as error:
            column = f"第 {error.position.column} 列：" if error.position else ""
            self.issue(location, f"{column}{error.message}（表达式：{text}）")
            return None

    def issue(self, location: Location, message: str) -> None:
        self.issues.append(
            CatalogIssue(
                self.display_path,
                self.document.line_of(location),
                self.policy.id,
                ".".join(map(str, location)),
                message,
            )
        )

    def check_no_application(
        self, criteria: list[CompiledCriterion], amount: Expression | None
    ) -> None:
        """免申即享 pays without an application, so every fact its criteria and amount read
        must come from an authority's record: none the enterprise states, the window
        verifies, or a claim supplies; and the ledger must know to pay an enterprise once."""
        where = ("no_application",)
        benefit = self.policy.benefit
        if benefit.kind is not BenefitKind.CASH_SUBSIDY or amount is None:
            self.issue(where, "免申即享只适用于有金额公式（benefit.amount）的资金补贴")
        if not any(
            limit.per == "enterprise.uscc" and limit.max_count is not None
            for limit in benefit.limits
        ):
            self.issue(
                where,
                "免申即享须设置按企业计次的限额（benefit.limits 中 per: enterprise.uscc 且给出"
                " max_count），账本据此保证同一企业不会重复兑现",
            )
        read = [e.fields for e in (*(c.expression for c in criteria), amount) if e]
        for path in dict.fromkeys(path for paths in read for path in paths):
            if path.startswith("claim."):
                self.issue(where, f"免申即享的政策不能读取申请时填写的信息：{self.named(path)}")
                continue
            if not path.startswith("enterprise."):
                continue
            for name in recorded_inputs(path.removeprefix("enterprise.")):
                authority = authority_of(name, self.declared)
                if authority in NOT_AN_AUTHORITY:
                    recorded = f"enterprise.{name}"
                    via = "" if recorded == path else f"所依据的 {self.named(recorded)} "
                    self.issue(
                        where,
                        f"免申即享的政策所读信息须来自权威部门：{self.named(path)}"
                        f"{via}由{AUTHORITY_LABELS[authority]}提供",
                    )

    def named(self, path: str) -> str:
        """``path`` with its label, as an issue names a fact."""
        return f"{path}（{self.schema[path].label}）" if path in self.schema else path

    def compile(self) -> CompiledPolicy | None:
        policy = self.policy
        criteria = []
        for index, criterion in enumerate(policy.criteria):
            compiled = self.expression(criterion.expr, ("criteria", index, "expr"), rt.BOOL)
            if compiled is not None:
                criteria.append(CompiledCriterion(criterion, compiled))
        amount = None
        if policy.benefit.amount is not None:
            amount = self.expression(policy.benefit.amount, ("benefit", "amount"), rt.DECIMAL)
        working_days = None
        if policy.processing_time is not None:
            working_days = self.expression(
                policy.processing_time.working_days, ("processing_time", "working_days"), rt.INT
            )
        for index, limit in enumerate(policy.benefit.limits):
            if limit.per not in self.schema:
                self.issue(("benefit", "limits", index, "per"), f"未知字段 {limit.per}")
        if policy.no_application:
            self.check_no_application(criteria, amount)
        if self.display_path.stem != policy.id:
            self.issue(("id",), f"文件名应与 id 一致：{policy.id}.yaml")
        if self.issues:
            return None
        named = {
            path
            for e in (*(c.expression for c in criteria), amount, working_days)
            if e
            for path in e.fields
        }
        named |= {limit.per for limit in policy.benefit.limits}
        declarations = self.declared.as_json()
        used = {
            name: declarations[name]
            for name in sorted(declarations)
            if f"enterprise.{name}" in named
        }
        return CompiledPolicy(
            policy=policy,
            path=self.display_path,
            version=content_version(policy, used),
            schema=self.schema,
            criteria=tuple(criteria),
            amount=amount,
            working_days=working_days,
            claim_model=claim_model(policy),
            declared=self.declared,
        )


def compile_policy(
    policy: Policy,
    document: YamlDocument,
    display_path: Path,
    declared: DeclaredFacts = NO_DECLARED_FACTS,
) -> tuple[CompiledPolicy | None, list[CatalogIssue]]:
    """Compile ``policy`` against the enterprise facts and the catalog's ``declared`` facts;
    on any error, ``None`` and every issue found."""
    compiler = _PolicyCompiler(policy, document, display_path, declared)
    return compiler.compile(), compiler.issues
