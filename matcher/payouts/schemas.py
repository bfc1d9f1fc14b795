"""API shapes of the policy window."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from matcher.bounds import Day
from matcher.eligibility.results import Entitlement
from matcher.payouts.payee import Payee, PayeeInvalid, account_number, bank_name, holder_name
from matcher.payouts.tables import Claim, ClaimStatus, Decision
from matcher.payouts.verification import LimitCheck, LimitFit, Verification
from matcher.text import Line, Paragraph, PlainJson


def _payee_part(parse: Callable[[str], str]) -> AfterValidator:
    """A part of the account read by :mod:`matcher.payouts.payee`, its refusal as pydantic's."""

    def validate(text: str) -> str:
        try:
            return parse(text)
        except PayeeInvalid as error:
            raise PydanticCustomError(error.code, error.message) from None

    return AfterValidator(validate)


EXAMPLE_PAYEE: dict[str, Any] = {
    "holder": "济源市银辉科技有限公司",
    "bank": "中国工商银行济源分行",
    "account": "1712 0000 0912 3456 789",
}


class PayeeCreate(BaseModel):
    """收款账户 as entered: a payee account of the enterprise's (its 对公账户, as a rule)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_PAYEE]})

    holder: Annotated[str, _payee_part(holder_name)] = Field(description="户名")
    bank: Annotated[str, _payee_part(bank_name)] = Field(description="开户行")
    account: Annotated[str, _payee_part(account_number)] = Field(
        description="账号：8 至 30 位数字，可用空格分组"
    )

    def value(self) -> Payee:
        return Payee(self.holder, self.bank, self.account)


class PayeePublic(BaseModel):
    """收款账户 as shown: the account number masked; the full number is in the export alone."""

    holder: str
    bank: str
    account: str = Field(description="账号（已遮盖，如 6222 **** **** 1234）")

    @classmethod
    def of(cls, record: "PayeeRecord") -> "PayeePublic | None":
        if record.payee_holder is None or record.payee_bank is None:
            return None
        return cls(
            holder=record.payee_holder,
            bank=record.payee_bank,
            account=record.payee_account_masked or "",
        )


class PayeeRecord(Protocol):
    """What keeps a payee account as shown (a claim, a 免申即享 list entry)."""

    @property
    def payee_holder(self) -> str | None: ...

    @property
    def payee_bank(self) -> str | None: ...

    @property
    def payee_account_masked(self) -> str | None: ...


class ClaimCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "uscc": "91419001MA4000000C",
                    "policy_id": "startup-subsidy",
                    "facts": {"founder_id_number": "11010519491231002X"},
                    "payee": EXAMPLE_PAYEE,
                }
            ]
        },
    )

    uscc: Line = Field(max_length=100, description="统一社会信用代码")
    policy_id: Line = Field(max_length=100)
    claim_date: Day | None = Field(
        None,
        description="申请日期，默认今天；企业只能是今天，工作人员可倒签至多 "
        "MATCHER_MAX_BACKDATE_DAYS 天",
    )
    facts: Annotated[dict[str, Any], PlainJson] = Field(
        default_factory=dict,
        description="政策声明的申请事实；<x>_id_number 须为企业登记的创业者，收到时替换为 "
        "<x>_id_hash（<x>_id_hash 不能直接提交）",
    )
    payee: PayeeCreate | None = Field(
        None,
        description="收款账户：发放资金的政策必填（账号加密保存，页面和接口只显示遮盖后的账号）",
    )


class ClaimPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "uscc": "91419001MA4000000C",
                    "policy_id": "startup-subsidy",
                    "claim_date": "2026-11-02",
                    "facts": {"founder_id_hash": "<HMAC of the founder's ID number>"},
                    "status": "pending",
                    "due_date": None,
                    "due_date_estimated": False,
                    "overdue": False,
                    "respond_by": None,
                    "filed_by": "yinhui",
                    "filed_at": "2026-11-02T09:30:00Z",
                    "payee": {**EXAMPLE_PAYEE, "account": "1712 **** **** 6789"},
                }
            ]
        }
    )

    id: int
    uscc: str
    policy_id: str
    claim_date: date
    facts: dict[str, Any]
    status: ClaimStatus
    due_date: date | None
    due_date_estimated: bool
    overdue: bool
    respond_by: date | None = Field(description="补正期限：要求补充材料时工作人员设定的日期")
    filed_by: str
    filed_at: datetime
    payee: PayeePublic | None = Field(
        description="收款账户（账号已遮盖）；早于收款账户登记的申请为空"
    )

    @classmethod
    def of(cls, claim: Claim, today: date) -> "ClaimPublic":
        return cls(
            **claim.model_dump(), overdue=claim.is_overdue(today), payee=PayeePublic.of(claim)
        )


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


class OwnVerificationPublic(BaseModel):
    """A claim's verification as the claiming enterprise sees it: each limit only as whether
    the claim fits under it. What other claims used, the limits' keys and the payable amount
    (which would tell what is left) are for staff."""

    claim: ClaimPublic
    policy_version: str
    entitlement: Entitlement
    computed_amount: Decimal | None
    limits: list[LimitFit]
    fits: bool
    """Whether the claim fits under every limit."""
    problems: list[str]

    @classmethod
    def of(cls, claim: Claim, verification: Verification, today: date) -> "OwnVerificationPublic":
        fits = verification.fits
        return cls(
            claim=ClaimPublic.of(claim, today),
            policy_version=verification.policy.version,
            entitlement=verification.entitlement,
            computed_amount=verification.computed_amount,
            limits=list(fits),
            fits=all(limit.fits for limit in fits),
            problems=list(verification.problems),
        )


class DecisionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"kind": "approve", "amount": "5000.00"},
                {
                    "kind": "request_materials",
                    "reason": "请补充营业执照复印件",
                    "respond_by": "2026-12-15",
                },
            ]
        },
    )

    kind: Literal["approve", "reject", "request_materials"]
    amount: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=2)
    reason: Paragraph | None = Field(None, max_length=1000)
    respond_by: Day | None = Field(
        None, description="补正期限（仅要求补充材料时）：今天之后，至多 60 天"
    )


class ReversalCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "创业者身份核实有误"}]}
    )

    reason: Paragraph = Field(min_length=1, max_length=1000)


class DecisionPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "sequence": 1,
                    "claim_id": 1,
                    "kind": "approve",
                    "amount": "5000.00",
                    "reason": None,
                    "reverses": None,
                    "policy_version": "925e16f959f0cd49504a836430c9d60"
                    "6742342ecf511228e7b56fffda82ba574",
                    "decided_by": "staff",
                    "decided_at": "2026-11-03T10:00:00Z",
                    "hash": "<SHA-256 of the record and the previous record's hash>",
                }
            ]
        }
    )

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
