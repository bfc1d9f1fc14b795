"""The enterprise profile: the facts a policy's criteria are checked against.

Every fact may be missing (``None``), even the code and the name in the anonymous
calculator (an enterprise on record has both): a missing fact makes the
criteria that need it undetermined, never false. Impossible values are rejected with a
field-level error. Money is in yuan, as ``Decimal`` (JSON text or number); integers and
booleans are strict, so ``"12"`` is never read as 12 nor ``"yes"`` as true. ``facts`` holds
the facts a catalog declares in its fact files (:mod:`matcher.profiles.declared`), checked
against the declarations given in the validation context (:mod:`matcher.profiles.parse`).
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from matcher import clock
from matcher.bounds import INT32_MAX, DayInRange, IsoDay
from matcher.profiles import uscc
from matcher.profiles.declared import DeclaredValue, validate_declared
from matcher.text import Line, Paragraph

EntityType = Literal["company", "individual_business", "farmer_cooperative"]
OperatingStatus = Literal["operating", "suspended", "closed"]
CreditList = Literal["red", "black", "none"]
TaxCreditRating = Literal["A", "B", "M", "C", "D"]
IndustryCluster = Literal["silver", "steel", "nano", "food", "none"]

Money = Annotated[Decimal, Field(max_digits=18, decimal_places=2)]
NonNegativeMoney = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]
AverageCount = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=12, decimal_places=2)]
"""A headcount averaged over quarters: fractional (300.25 persons is over 300)."""


def _not_in_future(value: date | None) -> date | None:
    if value is not None and value > clock.today():
        raise ValueError("日期不能晚于今天")
    return value


class Founder(BaseModel):
    """A person behind the enterprise, known only by the hash of the ID number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id_hash: str | None = Field(
        None, title="身份证号哈希", pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex"
    )
    first_time_founder: StrictBool | None = Field(None, title="首次创业")


class EnterpriseProfile(BaseModel):
    """Facts about one enterprise. Field titles are the labels shown to people."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    uscc: str | None = Field(None, title="统一社会信用代码")
    name: Line | None = Field(None, title="企业名称", min_length=1, max_length=200)
    entity_type: EntityType | None = Field(None, title="市场主体类型")
    registered_on: Annotated[date | None, IsoDay, AfterValidator(_not_in_future), DayInRange] = (
        Field(None, title="登记注册日期")
    )
    district: Line | None = Field(None, title="所在片区/镇/街道", max_length=50)
    registration_area: str | None = Field(
        None,
        title="登记机关所在地（行政区划代码）",
        pattern=r"^\d{6}$",
        description="登记机关或注册地的区划代码，如济源 419001；统一社会信用代码的第3–8位只作参考",
    )
    in_provincial_industrial_park: StrictBool | None = Field(None, title="位于省级工业园区")
    operating_status: OperatingStatus | None = Field(None, title="经营状态")
    has_operated: StrictBool | None = Field(None, title="领取营业执照后开展过经营活动")
    debts_settled: StrictBool | None = Field(None, title="无债权债务或已清算完结")
    industry_code: str | None = Field(
        None, title="国民经济行业代码", pattern=r"^[A-T](\d{2}|\d{3}|\d{4})?$"
    )
    business_scope: Paragraph | None = Field(None, title="经营范围", max_length=5000)
    industry_cluster: IndustryCluster | None = Field(None, title="重点产业集群")
    employees: StrictInt | None = Field(None, title="从业人数", ge=0, le=10_000_000)
    new_hires: StrictInt | None = Field(None, title="当年新招用人数", ge=0, le=10_000_000)
    operating_revenue: NonNegativeMoney | None = Field(None, title="营业收入（元）")
    total_assets: NonNegativeMoney | None = Field(None, title="资产总额（元）")
    average_employees: AverageCount | None = Field(
        None,
        title="从业人数（全年季度平均值）",
        description="小型微利企业口径：各季度（季初+季末）÷2 之和 ÷4，可为小数",
    )
    average_total_assets: NonNegativeMoney | None = Field(
        None, title="资产总额（全年季度平均值，元）", description="小型微利企业口径，同上"
    )
    fiscal_year: StrictInt | None = Field(None, title="财务数据所属年度", ge=2000, le=2100)
    annual_taxable_income: Money | None = Field(None, title="年应纳税所得额（元）")
    restricted_industry: StrictBool | None = Field(None, title="从事国家限制或禁止行业")
    high_tech_certified: StrictBool | None = Field(None, title="高新技术企业")
    tech_sme_registered: StrictBool | None = Field(None, title="科技型中小企业（已入库）")
    rnd_expenses: NonNegativeMoney | None = Field(None, title="年度研发费用（元）")
    tax_credit_rating: TaxCreditRating | None = Field(None, title="纳税信用等级")
    credit_list: CreditList | None = Field(None, title="信用红黑榜")
    exporter: StrictBool | None = Field(None, title="有出口业务")
    export_rebate_class: StrictInt | None = Field(None, title="出口退税企业分类", ge=1, le=4)
    construction_qualified: StrictBool | None = Field(None, title="具有建筑业企业资质")
    patents: StrictInt | None = Field(None, title="有效专利数", ge=0, le=INT32_MAX)
    invention_patents: StrictInt | None = Field(None, title="有效发明专利数", ge=0, le=INT32_MAX)
    bank_credit_total: NonNegativeMoney | None = Field(None, title="单户银行授信总额（元）")
    in_incubation_base: StrictBool | None = Field(None, title="入驻济源创业孵化基地")
    founders: tuple[Founder, ...] = Field((), title="创业者")
    facts: Annotated[dict[str, DeclaredValue], BeforeValidator(validate_declared)] = Field(
        default_factory=dict, title="政策目录声明的其他信息"
    )

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str | None) -> str | None:
        return None if value is None else uscc.validate(value)
