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
    article: int | None = Field(None, ge=1, description="条；文件不分条时省略")
    clause: str = Field(min_length=1, description="原文条款，逐字引用")
    found_at: str | None = Field(None, description="取得原文之处（网址或出版物）")


class Basis(_Strict):
    """Why a value is what it is: the clause that sets it, or the reading we took.

    Exactly one of the two: a value no text gives is an assumption and says so.
    """

    source: str | None = Field(None, min_length=1, description="出处：文号及条款")
    assumption: str | None = Field(None, min_length=1, description="无原文依据时的理解")

    @model_validator(mode="after")
    def _one_basis(self) -> "Basis":
        if (self.source is None) == (self.assumption is None):
            raise ValueError("source 与 assumption 须且只能填写一个")
        return self


class Effective(_Strict):
    """The period a policy is in force, both ends included; ``until`` cites what ended it."""

    start: date = Field(alias="from")
    until: date | None = None
    basis: str | None = Field(None, description="起止日期的出处或理解")

    @model_validator(mode="after")
    def _ordered(self) -> "Effective":
        if self.until is not None and self.until < self.start:
            raise ValueError("until 不能早于 from")
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


ParameterIndex = Literal["date", "tax_year"]


class ParameterValue(_Strict):
    """One value of a dated parameter, in force from ``from`` (and until ``until``, if given)."""

    start: date = Field(alias="from")
    until: date | None = None
    value: Decimal
    source: str = Field(min_length=1, description="文号及条款")
    clause: str = Field(min_length=1, description="原文，逐字引用")


class Parameter(_Strict):
    """A rate or threshold whose value changes with time, in the manner of OpenFisca.

    ``by: date`` reads the value in force on the evaluation date; ``by: tax_year`` reads the
    value for the enterprise's tax year (``enterprise.fiscal_year``), each ``from`` being a
    1 January. Outside every value's period the parameter is unknown, never guessed.
    """

    label: str = Field(min_length=1)
    unit: str = Field(min_length=1, description="如 比例、元、人")
    by: ParameterIndex = "date"
    values: tuple[ParameterValue, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> "Parameter":
        starts = [v.start for v in self.values]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("values 须按 from 升序排列且互不相同")
        for earlier, later in zip(self.values, self.values[1:], strict=False):
            if earlier.until is not None and earlier.until >= later.start:
                raise ValueError(f"{earlier.start} 起的值与 {later.start} 起的值期间重叠")
        if self.by == "tax_year":
            for value in self.values:
                if (value.start.month, value.start.day) != (1, 1) or (
                    value.until is not None and (value.until.month, value.until.day) != (12, 31)
                ):
                    raise ValueError("按纳税年度的参数，from 须为1月1日、until 须为12月31日")
        return self


class Exclusion(Basis):
    """A benefit that cannot be combined with this one: the enterprise chooses."""

    policy: str = Field(pattern=POLICY_ID)


ClaimFactType = Literal["bool", "int", "money", "date", "text", "enum", "registration_number"]
"""``registration_number``: an identifier a registry issued (a technology contract's 登记编号),
text to the rules, normalised when a claim is read so that one number is one ledger key."""


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

    per: str = Field(
        min_length=1, description="分组依据的事实，如 claim.contract_registration_number"
    )
    max_count: int | None = Field(None, ge=1)
    max_amount: Decimal | None = Field(None, gt=0)
    clause: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_bound(self) -> "Limit":
        if (self.max_count is None) == (self.max_amount is None):
            raise ValueError("max_count 与 max_amount 须且只能填写一个")
        return self


class Budget(_Strict):
    """The money a policy may pay out in one year."""

    year: int = Field(ge=2000, le=2100)
    amount: Decimal = Field(gt=0, description="元")
    source: str = Field(min_length=1)


class Benefit(_Strict):
    kind: BenefitKind
    description: str = Field(min_length=1)
    amount: str | None = Field(None, description="金额公式（元）")
    limits: tuple[Limit, ...] = ()
    budget: Decimal | None = Field(None, gt=0, description="政策资金总额（元）")
    budgets: tuple[Budget, ...] = Field((), description="按年度的资金预算")

    @model_validator(mode="after")
    def _one_budget_per_year(self) -> "Benefit":
        years = [b.year for b in self.budgets]
        if len(set(years)) != len(years):
            raise ValueError("同一年度只能有一项预算")
        return self


class ProcessingTime(_Strict):
    working_days: str = Field(min_length=1, description="办理时限（工作日）公式")
    clause: str = Field(min_length=1)


class Material(Basis):
    """One item of the application materials, with the text that requires it."""

    item: str = Field(min_length=1)


class Office(Basis):
    """Where to apply (受理地址) and whom to ask (咨询电话)."""

    name: str = Field(min_length=1)
    address: str | None = Field(None, min_length=1)
    phone: str | None = Field(None, min_length=1)


class ApplicationWindow(Basis):
    """When applications are taken; no ``until`` means open while the policy is in force."""

    start: date | None = Field(None, alias="from")
    until: date | None = None


class HowToApply(_Strict):
    """The 申兑指南: who benefits, where and when to apply, with what."""

    beneficiaries: str = Field(min_length=1, description="惠及对象")
    where: Office
    window: ApplicationWindow | None = None
    materials: tuple[Material, ...] = ()
    how: str | None = Field(None, description="申报方式，如 汇算清缴时自行申报享受")


class PublicNotice(_Strict):
    """The 公示 period a policy's own text sets before its payments are made."""

    days: int = Field(ge=1, le=60, description="公示天数（自然日）")
    source: str = Field(min_length=1, description="出处：文号及条款")


class Policy(_Strict):
    id: str = Field(pattern=POLICY_ID)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    source: Source
    units: tuple[str, ...] = Field(min_length=1, description="责任单位，牵头单位在前")
    sources: tuple[Source, ...] = Field((), description="设定条件、标准的其他文件")
    effective: Effective
    replaces: tuple[str, ...] = Field((), description="本政策替代的政策 id")
    replaced_by: str | None = Field(None, pattern=POLICY_ID)
    parameters: dict[Identifier, Parameter] = Field(default_factory=dict)
    excludes: tuple[Exclusion, ...] = ()
    benefit: Benefit
    claim_facts: dict[Identifier, ClaimFact] = Field(default_factory=dict)
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    processing_time: ProcessingTime | None = None
    apply: HowToApply
    no_application: bool = Field(
        False, description="免申即享：所需信息全部来自权威部门，经公示后批量兑现，企业无需申请"
    )
    public_notice: PublicNotice | None = Field(None, description="原文规定的公示期")
    assumptions: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _unique_criteria(self) -> "Policy":
        ids = [c.id for c in self.criteria]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"条件 id 重复：{', '.join(duplicates)}")
        return self

    @model_validator(mode="after")
    def _replacement_ends(self) -> "Policy":
        if self.replaced_by is not None and self.effective.until is None:
            raise ValueError("replaced_by 须同时给出 effective.until")
        return self

    @property
    def all_sources(self) -> tuple[Source, ...]:
        """The local article first, then the documents that set its conditions."""
        return (self.source, *self.sources)

    @property
    def lead_unit(self) -> str:
        return self.units[0]
