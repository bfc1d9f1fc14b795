"""API shapes of the policy window."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.eligibility.results import Entitlement
from matcher.payouts.tables import Claim, ClaimStatus, Decision
from matcher.payouts.verification import LimitCheck, Verification


class ClaimCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: str = Field(description="统一社会信用代码")
    policy_id: str
    claim_date: date | None = Field(None, description="申请日期，默认今天")
    facts: dict[str, Any] = Field(
        default_factory=dict,
        description="政策声明的申请事实；<x>_id_number 会在收到时替换为 <x>_id_hash",
    )


class ClaimPublic(BaseModel):
    id: int
    uscc: str
    policy_id: str
    claim_date: date
    facts: dict[str, Any]
    status: ClaimStatus
    due_date: date
    due_date_estimated: bool
    overdue: bool
    filed_by: str
    filed_at: datetime

    @classmethod
    def of(cls, claim: Claim, today: date) -> "ClaimPublic":
        data = claim.model_dump()
        open_ = claim.status in (ClaimStatus.PENDING, ClaimStatus.MATERIALS_REQUESTED)
        return cls(**data, overdue=open_ and claim.due_date < today)


class VerificationPublic(BaseModel):
    claim: ClaimPublic
    policy_version: str
    entitlement: Entitlement
    computed_amount: Decimal | None
    payable_amount: Decimal | None
    limits: list[LimitCheck]
    problems: list[str]
    approvable: bool

    @classmethod
    def of(cls, claim: Claim, verification: Verification, today: date) -> "VerificationPublic":
        return cls(
            claim=ClaimPublic.of(claim, today),
            policy_version=verification.policy.version,
            entitlement=verification.entitlement,
            computed_amount=verification.computed_amount,
            payable_amount=verification.payable_amount,
            limits=list(verification.limits),
            problems=list(verification.problems),
            approvable=verification.approvable,
        )


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["approve", "reject", "request_materials"]
    amount: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=2)
    reason: str | None = Field(None, max_length=1000)


class ReversalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


class DecisionPublic(BaseModel):
    id: int
    sequence: int
    claim_id: int
    kind: str
    amount: Decimal | None
    reason: str | None
    reverses: int | None
    policy_version: str
    decided_by: str
    decided_at: datetime
    hash: str

    @classmethod
    def of(cls, decision: Decision) -> "DecisionPublic":
        return cls.model_validate(decision.model_dump())
