"""The policy catalog over HTTP: the list, and each policy in full with its source clauses."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from matcher.api.deps import CatalogDep, PolicyIdPath
from matcher.bounds import Day
from matcher.errors import NotFound
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import BENEFIT_KIND_LABELS, Policy

router = APIRouter(prefix="/policies", tags=["policies"])


class PolicySummary(BaseModel):
    id: str
    title: str
    summary: str
    benefit_kind: str
    benefit_kind_label: str
    document: str
    article: int | None
    lead_unit: str
    effective_from: date
    effective_until: date | None
    version: str


class PolicyDetail(BaseModel):
    version: str
    policy: Policy


def summary_of(compiled: CompiledPolicy) -> PolicySummary:
    policy = compiled.policy
    return PolicySummary(
        id=policy.id,
        title=policy.title,
        summary=policy.summary,
        benefit_kind=policy.benefit.kind.value,
        benefit_kind_label=BENEFIT_KIND_LABELS[policy.benefit.kind],
        document=policy.source.document,
        article=policy.source.article,
        lead_unit=policy.lead_unit,
        effective_from=policy.effective.start,
        effective_until=policy.effective.until,
        version=compiled.version,
    )


@router.get("", response_model=list[PolicySummary], summary="政策库")
def list_policies(
    catalog: CatalogDep,
    in_force_on: Annotated[Day | None, Query(description="只列出该日有效的政策")] = None,
) -> list[PolicySummary]:
    policies = catalog.in_force(in_force_on) if in_force_on else catalog.policies
    return [summary_of(p) for p in policies]


@router.get("/{policy_id}", response_model=PolicyDetail, summary="政策详情：条件、原文、申请方式")
def read_policy(catalog: CatalogDep, policy_id: PolicyIdPath) -> PolicyDetail:
    compiled = catalog.get(policy_id)
    if compiled is None:
        raise NotFound("政策")
    return PolicyDetail(version=compiled.version, policy=compiled.policy)
