"""The policy catalog over HTTP: the list, and each policy in full with its source clauses."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from matcher.api.deps import CatalogDep, PolicyIdPath
from matcher.api.errors import documented
from matcher.api.paging import Page, Paging
from matcher.api.responses import TAGGED, IfNoneMatch, tag
from matcher.bounds import Day
from matcher.errors import NotFound
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import BENEFIT_KIND_LABELS, Policy

router = APIRouter(prefix="/policies", tags=["policies"])


class PolicySummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "startup-subsidy",
                    "title": "一次性开业补贴",
                    "summary": "依托创业孵化基地首次创业、正常经营满1年的……一次性补贴5000元。",
                    "benefit_kind": "cash_subsidy",
                    "benefit_kind_label": "资金补贴",
                    "document": "济管办〔2020〕15号",
                    "article": 26,
                    "lead_unit": "人力资源和社会保障局",
                    "effective_from": "2020-06-22",
                    "effective_until": None,
                    "version": "925e16f959f0cd49504a836430c9d606742342ecf511228e7b56fffda82ba574",
                }
            ]
        }
    )

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


@router.get("", response_model=Page[PolicySummary], summary="政策库", responses=documented(422))
def list_policies(
    catalog: CatalogDep,
    page: Paging,
    in_force_on: Annotated[Day | None, Query(description="只列出该日有效的政策")] = None,
) -> Page[PolicySummary]:
    policies = catalog.in_force(in_force_on) if in_force_on else catalog.policies
    return page.cut([summary_of(p) for p in policies])


@router.get(
    "/{policy_id}",
    response_model=PolicyDetail,
    summary="政策详情：条件、原文、申请方式",
    description="`ETag` 为该政策版本的内容哈希（即 `version`）；"
    "带 `If-None-Match` 且未改变时答复 304。",
    responses={**TAGGED, **documented(404, 422)},
)
def read_policy(
    catalog: CatalogDep,
    policy_id: PolicyIdPath,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> PolicyDetail | Response:
    compiled = catalog.get(policy_id)
    if compiled is None:
        raise NotFound("政策")
    not_modified = tag(response, compiled.version, if_none_match)
    if not_modified is not None:
        return not_modified
    return PolicyDetail(version=compiled.version, policy=compiled.policy)
