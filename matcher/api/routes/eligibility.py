"""The anonymous 政策计算器: a profile in, an entitlement list out, nothing stored."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from matcher import clock
from matcher.api.deps import CatalogDep
from matcher.api.errors import documented
from matcher.api.ratelimit import anonymous_limit
from matcher.bounds import Day
from matcher.eligibility.ask_first import CalculatorResult, with_guidance
from matcher.eligibility.evaluate import evaluate
from matcher.enterprises.schemas import EnterpriseWrite, ProfileIn
from matcher.enterprises.service import anonymous_profile
from matcher.text import PlainJson

router = APIRouter(tags=["calculator"])
_RESULT = TypeAdapter(CalculatorResult)


class CalculatorRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: ProfileIn
    as_of: Day | None = Field(None, description="评估日期，默认今天")
    claims: Annotated[dict[str, dict[str, Any]], PlainJson] | None = Field(
        None, description="按政策 id 给出的申请事实，如技术合同的交易额"
    )


EXAMPLE = {
    "profile": {
        "entity_type": "company",
        "registered_on": "2019-09-16",
        "industry_code": "C3253",
        "employees": 86,
        "operating_revenue": "38600000.00",
        "in_incubation_base": True,
        "founders": [{"first_time_founder": True}],
    },
    "as_of": "2020-08-01",
}


@router.post(
    "/calculator",
    response_model=CalculatorResult,
    summary="政策计算器（匿名，不保存任何数据）",
    dependencies=[Depends(anonymous_limit)],
    responses=documented(400, 413, 422, 429),
)
def calculate(
    catalog: CatalogDep,
    body: Annotated[CalculatorRequest, Body(openapi_examples={"示例企业": {"value": EXAMPLE}})],
) -> Response:
    # Beside the list, ``ask_first``: the unknown facts the most policies wait on. Founders
    # need no ID number here: ``{"first_time_founder": true}``.
    profile = anonymous_profile(EnterpriseWrite(profile=body.profile), catalog.facts)
    result = evaluate(profile, body.as_of or clock.today(), catalog, body.claims)
    return Response(_RESULT.dump_json(with_guidance(result)), media_type="application/json")
