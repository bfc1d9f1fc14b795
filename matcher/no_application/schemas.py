"""The JSON shapes of 免申即享 lists (``/api/v1/no-application``)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.bounds import INT32_MAX, Day
from matcher.no_application.approval import BatchResult
from matcher.no_application.tables import PayableEntry, PayableList
from matcher.payouts.schemas import EXAMPLE_PAYEE, PayeeCreate, PayeePublic
from matcher.text import Line


class ListCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"policy_id": "startup-subsidy"}]}
    )

    policy_id: Line = Field(max_length=100, description="免申即享政策的 id")
    as_of: Day | None = Field(None, description="名单所依据的日期，默认今天")


class PayeeConfirm(BaseModel):
    """The account a list pays the enterprise to: typed, or the one of an earlier claim."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"payee": EXAMPLE_PAYEE}, {"from_claim": 12}]},
    )

    payee: PayeeCreate | None = Field(None, description="收款账户")
    from_claim: int | None = Field(
        None, ge=1, le=INT32_MAX, description="沿用本企业某笔兑现申请的收款账户（申请编号）"
    )

    @model_validator(mode="after")
    def _one_account(self) -> "PayeeConfirm":
        if (self.payee is None) == (self.from_claim is None):
            raise ValueError("请填写收款账户（payee）或沿用的申请编号（from_claim），二者选一")
        return self


class EntryPublic(BaseModel):
    id: int
    list_id: int
    uscc: str
    name: str
    amount: Decimal | None = Field(description="拟兑现金额（元）")
    excluded_reason: str | None = Field(description="不予免申即享的原因；为空则按名单兑现")
    payee: PayeePublic | None = Field(description="企业确认的收款账户（账号已遮盖）")
    payee_confirmed_at: datetime | None
    claim_id: int | None = Field(description="批准后为该笔兑现生成的申请编号")
    evidence: dict[str, Any] | None = Field(
        None, description="每项条件所依据的条款、取值与信息来源（工作人员可见）"
    )

    @classmethod
    def of(cls, entry: PayableEntry, with_evidence: bool) -> "EntryPublic":
        assert entry.id is not None
        return cls(
            id=entry.id,
            list_id=entry.list_id,
            uscc=entry.uscc,
            name=entry.name,
            amount=entry.amount,
            excluded_reason=entry.excluded_reason,
            payee=PayeePublic.of(entry),
            payee_confirmed_at=entry.payee_confirmed_at,
            claim_id=entry.claim_id,
            evidence=entry.evidence if with_evidence else None,
        )


class ListPublic(BaseModel):
    id: int
    policy_id: str
    policy_version: str
    as_of: date
    status: str = Field(description="draft 草稿、public_notice 公示中、approved 已批准")
    notice_from: date | None
    notice_until: date | None = Field(description="公示期最后一天（含），次日起方可批准")
    notice_basis: str | None = Field(description="公示期的依据：政策条款或本窗口设置")
    entries: list[EntryPublic] | None = Field(None, description="名单中的企业（读取单份名单时）")

    @classmethod
    def of(cls, payable: PayableList, entries: list[EntryPublic] | None = None) -> "ListPublic":
        assert payable.id is not None
        return cls(
            id=payable.id,
            policy_id=payable.policy_id,
            policy_version=payable.policy_version,
            as_of=payable.as_of,
            status=payable.status.value,
            notice_from=payable.notice_from,
            notice_until=payable.notice_until,
            notice_basis=payable.notice_basis,
            entries=entries,
        )


class BatchPublic(BaseModel):
    approved: list[int] = Field(description="本次批准兑现的名单条目")
    awaiting_payee: list[int] = Field(description="尚待企业确认收款账户的条目")
    excluded: list[int] = Field(description="复核后转为普通申请的条目（原因见各条目）")

    @classmethod
    def of(cls, result: BatchResult) -> "BatchPublic":
        def ids(entries: list[PayableEntry]) -> list[int]:
            return [entry.id or 0 for entry in entries]

        return cls(
            approved=ids(result.approved),
            awaiting_payee=ids(result.awaiting_payee),
            excluded=ids(result.excluded),
        )
