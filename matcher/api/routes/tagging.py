"""Industry suggestions over HTTP, for the calculator page as a person types the business scope."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from matcher.api.errors import documented
from matcher.api.ratelimit import suggestion_limit
from matcher.tagging import IndustrySuggestions, suggest
from matcher.text import Paragraph

router = APIRouter(prefix="/tagging", tags=["tagging"])


class SuggestRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "贵金属压延加工；银制品的研发、生产和销售"}]},
    )

    text: Paragraph = Field(
        max_length=100_000, description="经营范围", examples=["钢材压延加工；金属结构制造"]
    )
    top_k: int = Field(3, ge=1, le=10)


@router.post(
    "/suggest",
    response_model=IndustrySuggestions,
    summary="按经营范围推断行业（仅供参考，不作为认定依据）",
    dependencies=[Depends(suggestion_limit)],
    responses=documented(400, 413, 422, 429),
)
def suggest_industry(body: SuggestRequest) -> IndustrySuggestions:
    return suggest(body.text, body.top_k)
