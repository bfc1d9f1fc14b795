"""A validated policy file turned into a policy the evaluator can run.

Every expression is parsed and type-checked against the enterprise schema extended by the
policy's claim facts. Errors are collected, not raised one by one, so a policy officer
sees them all at once.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from matcher.policies.claims import claim_fact_specs, claim_model
from matcher.policies.issues import CatalogIssue
from matcher.policies.model import Criterion, Policy
from matcher.policies.yaml_source import Location, YamlDocument
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

    @property
    def id(self) -> str:
        return self.policy.id


def content_version(policy: Policy) -> str:
    """The content hash that identifies one published version of a policy."""
    canonical = json.dumps(
        policy.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Compiler:
    def __init__(self, policy: Policy, document: YamlDocument, display_path: Path) -> None:
        self.policy, self.document, self.display_path = policy, document, display_path
        self.schema = enterprise_schema().extended(claim_fact_specs(policy))
        self.issues: list[CatalogIssue] = []

    def expression(self, text: str, location: Location, expected: rt.Type) -> Expression | None:
        try:
            return compile_expression(text, self.schema, expected)
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
        if self.display_path.stem != policy.id:
            self.issue(("id",), f"文件名应与 id 一致：{policy.id}.yaml")
        if self.issues:
            return None
        return CompiledPolicy(
            policy=policy,
            path=self.display_path,
            version=content_version(policy),
            schema=self.schema,
            criteria=tuple(criteria),
            amount=amount,
            working_days=working_days,
            claim_model=claim_model(policy),
        )


def compile_policy(
    policy: Policy, document: YamlDocument, display_path: Path
) -> tuple[CompiledPolicy | None, list[CatalogIssue]]:
    """Compile ``policy``; on any error, ``None`` and every issue found."""
    compiler = _Compiler(policy, document, display_path)
    return compiler.compile(), compiler.issues
