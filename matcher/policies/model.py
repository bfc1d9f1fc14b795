"""The shape of a policy file, validated with pydantic: unknown keys are errors.

Expressions stay text here; :mod:`matcher.policies.compile` parses and type-checks them
against the enterprise schema and the policy's own claim facts.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
POLICY_ID = r"^[a-z0-9][a-z0-9-]*$"
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BenefitKind(StrEnum):
    CASH_SUBSIDY = "cash_subsidy"
    TAX_PREFERENCE = "tax_preference"
    LOAN_FINANCING = "loan_financing"
    PROCUREMENT_RESERVATION = "procurement_reservation"
    SERVICE = "service"


BENEFIT_KIND_LABELS = {
    BenefitKind.CASH_SUBSIDY: "资金补贴",
    BenefitKind.TAX_PREFERENCE: "税收优惠",
    BenefitKind.LOAN_FINANCING: "贷款融资",
    BenefitKind.PROCUREMENT_RESERVATION: "政府采购预留",
    BenefitKind.SERVICE: "服务便利",
}


class Source(_Strict):
    document: str = Field(min_length=1, description="文号，如 济管办〔2020〕15号")
    title: str = Field(min_length=1)
    article: int = Field(ge=1)
    clause: str = Field(min_length=1, description="原文条款，逐字引用")


class Effective(_Strict):
    start: date = Field(alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Effective":
        if self.until is not None and self.until < self.start:
            raise ValueError("until 不能早于 from")
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


ClaimFactType = Literal["bool", "int", "money", "date", "text", "enum"]


class ClaimFact(_Strict):
    """A fact that belongs to one application (a contract, a loan), not to the enterprise."""

    type: ClaimFactType
    label: str = Field(min_length=1)
    values: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _enum_values(self) -> "ClaimFact":
        if (self.type == "enum") != bool(self.values):
            raise ValueError("values 仅用于且必须用于 enum 类型")
        return self


class Criterion(_Strict):
    id: Identifier
    label: str = Field(min_length=1, description="企业能看懂的条件说明")
    expr: str = Field(min_length=1)
    clause: str = Field(min_length=1, description="所依据的原文")


class Limit(_Strict):
    """A ledger limit across claims: at most ``max_count`` claims or ``max_amount`` yuan per key."""

    per: str = Field(min_length=1, description="分组依据的事实，如 claim.project_id")
    max_count: int | None = Field(None, ge=1)
    max_amount: Decimal | None = Field(None, gt=0)
    clause: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_bound(self) -> "Limit":
        if (self.max_count is None) == (self.max_amount is None):
            raise ValueError("max_count 与 max_amount 须且只能填写一个")
        return self


class Benefit(_Strict):
    kind: BenefitKind
    description: str = Field(min_length=1)
    amount: str | None = Field(None, description="金额公式（元）")
    limits: tuple[Limit, ...] = ()
    budget: Decimal | None = Field(None, gt=0, description="政策资金总额（元）")


class ProcessingTime(_Strict):
    working_days: str = Field(min_length=1, description="办理时限（工作日）公式")
    clause: str = Field(min_length=1)


class HowToApply(_Strict):
    where: str = Field(min_length=1)
    materials: tuple[str, ...] = ()


class Policy(_Strict):
    id: str = Field(pattern=POLICY_ID)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    source: Source
    units: tuple[str, ...] = Field(min_length=1, description="责任单位，牵头单位在前")
    effective: Effective
    benefit: Benefit
    claim_facts: dict[Identifier, ClaimFact] = Field(default_factory=dict)
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    processing_time: ProcessingTime | None = None
    apply: HowToApply
    assumptions: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _unique_criteria(self) -> "Policy":
        ids = [c.id for c in self.criteria]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"条件 id 重复：{', '.join(duplicates)}")
        return self

    @property
    def lead_unit(self) -> str:
        return self.units[0]
