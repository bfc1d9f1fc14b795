"""小型微利企业 (small low-profit enterprise) test and its enterprise income tax.

The conditions and tax brackets change from year to year, so they are data: dated rule
sets in ``matcher/catalog/standards/small_low_profit.yaml``, each citing its documents. The test
is three-valued: one condition known to fail settles it as False; otherwise any unknown
condition leaves it unknown.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.three_valued import Truth, all3, not3

DEFAULT_PATH = (
    Path(__file__).resolve().parents[1] / "catalog" / "standards" / "small_low_profit.yaml"
)

_CENT = Decimal("0.01")
_INDUSTRY_TEXT: dict[bool | None, str] = {
    None: "是否从事国家限制或禁止行业未知",
    True: "从事国家限制或禁止行业",
    False: "从事国家非限制和禁止行业",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    number: str
    title: str
    issued: date | None = None
    effective_from: date
    effective_to: date | None = None
    clause: str

    def in_force_throughout(self, first_year: int, last_year: int) -> bool:
        starts = self.effective_from <= date(first_year, 1, 1)
        return starts and (
            self.effective_to is None or self.effective_to >= date(last_year, 12, 31)
        )


class Limits(_Model):
    """Upper limits (不超过, inclusive); money in 万元."""

    annual_taxable_income: Decimal
    employees: int
    total_assets: Decimal


class Bracket(_Model):
    """The slice of taxable income up to ``up_to`` 万元, counted at ``inclusion``."""

    up_to: Decimal
    inclusion: Decimal = Field(gt=0, le=1)
    rate: Decimal = Field(gt=0, le=1)


class RuleSet(_Model):
    key: str
    first_year: int
    last_year: int
    sources: tuple[Source, ...] = Field(min_length=1)
    limits: Limits
    brackets: tuple[Bracket, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.first_year > self.last_year:
            raise ValueError(f"{self.key}: first_year is after last_year")
        if any(lower.up_to >= upper.up_to for lower, upper in pairwise(self.brackets)):
            raise ValueError(f"{self.key}: brackets must ascend")
        if self.brackets[-1].up_to != self.limits.annual_taxable_income:
            raise ValueError(f"{self.key}: the last bracket must end at the income limit")
        for source in self.sources:
            if not source.in_force_throughout(self.first_year, self.last_year):
                raise ValueError(f"{self.key}: {source.number} is not in force in every year")
        return self

    def covers(self, tax_year: int) -> bool:
        return self.first_year <= tax_year <= self.last_year

    def preferential_tax(self, income: Decimal) -> Decimal:
        """Tax on ``income`` (yuan) under the brackets, before rounding."""
        tax = Decimal(0)
        lower = Decimal(0)
        for bracket in self.brackets:
            upper = bracket.up_to.scaleb(4)
            if income <= lower:
                break
            tax += (min(income, upper) - lower) * bracket.inclusion * bracket.rate
            lower = upper
        return tax


@dataclass(frozen=True)
class SmallLowProfitVerdict:
    tax_year: int | None
    qualifies: bool | None
    standard_tax: Decimal | None
    preferential_tax: Decimal | None
    saving: Decimal | None
    missing: tuple[str, ...]
    basis: str


class SmallLowProfitRules(_Model):
    """The validated rule sets; frozen, so they can be shared and cached."""

    standard_rate: Decimal = Field(gt=0, lt=1)
    law: Source
    assumptions: tuple[str, ...]
    rule_sets: tuple[RuleSet, ...]

    @model_validator(mode="after")
    def _check_years(self) -> Self:
        ordered = sorted(self.rule_sets, key=lambda rule_set: rule_set.first_year)
        if any(a.last_year >= b.first_year for a, b in pairwise(ordered)):
            raise ValueError("rule sets must not cover the same tax year twice")
        return self

    def rule_set_for(self, tax_year: int) -> RuleSet | None:
        return next((rs for rs in self.rule_sets if rs.covers(tax_year)), None)

    def assess(
        self,
        tax_year: int | None,
        annual_taxable_income: Decimal | None,
        employees: Decimal | None,
        total_assets: Decimal | None,
        restricted_industry: bool | None,
    ) -> SmallLowProfitVerdict:
        """Whether the enterprise qualifies in ``tax_year`` and its tax; money in yuan.

        ``employees`` and ``total_assets`` are the year's averages of quarterly averages, as
        the documents define them, not period-end figures: 300.25 persons is over 300.
        """
        income = annual_taxable_income
        standard = None if income is None else _cents(max(income, Decimal(0)) * self.standard_rate)
        if tax_year is None:
            facts = {
                "annual_taxable_income": income,
                "average_employees": employees,
                "average_total_assets": total_assets,
                "restricted_industry": restricted_industry,
            }
            missing = ("fiscal_year", *(name for name, value in facts.items() if value is None))
            basis = "纳税年度未知，无法确定适用的小型微利企业政策"
            return SmallLowProfitVerdict(None, None, standard, None, None, missing, basis)
        rule_set = self.rule_set_for(tax_year)
        if rule_set is None:
            basis = f"没有覆盖 {tax_year} 年度的小型微利企业规则集，无法判定"
            return SmallLowProfitVerdict(tax_year, None, standard, None, None, (), basis)

        checks = _checks(rule_set.limits, income, employees, total_assets, restricted_industry)
        qualifies = all3(ok for _, ok, _ in checks)
        documents = "、".join(source.number for source in rule_set.sources)
        head = f"{tax_year}年度适用{documents}：" + "，".join(text for _, _, text in checks)
        if qualifies is None:
            missing = tuple(name for name, ok, _ in checks if ok is None)
            basis = f"{head} → 无法判定是否属于小型微利企业"
            return SmallLowProfitVerdict(tax_year, None, standard, None, None, missing, basis)
        if not qualifies:
            basis = f"{head} → 不属于小型微利企业"
            return SmallLowProfitVerdict(tax_year, False, standard, None, None, (), basis)

        # Qualifying means every condition is known, the income included.
        assert income is not None and standard is not None
        preferential = _cents(rule_set.preferential_tax(income))
        saving = standard - preferential
        basis = (
            f"{head} → 属于小型微利企业，应纳企业所得税 {preferential} 元"
            f"（按 {_fmt(self.standard_rate * 100)}% 税率为 {standard} 元，减免 {saving} 元）"
        )
        return SmallLowProfitVerdict(tax_year, True, standard, preferential, saving, (), basis)


def _checks(
    limits: Limits,
    income: Decimal | None,
    employees: Decimal | None,
    total_assets: Decimal | None,
    restricted_industry: bool | None,
) -> list[tuple[str, Truth, str]]:
    """(profile field, condition holds, Chinese description) for each condition."""
    income_ok = _within(income, limits.annual_taxable_income.scaleb(4))
    employees_ok = _within(employees, limits.employees)
    assets_ok = _within(total_assets, limits.total_assets.scaleb(4))
    return [
        (
            "annual_taxable_income",
            income_ok,
            _describe(
                "应纳税所得额",
                None if income is None else f"{_fmt(income)} 元",
                income_ok,
                f"{_fmt(limits.annual_taxable_income)} 万元",
            ),
        ),
        (
            "average_employees",
            employees_ok,
            _describe(
                "从业人数（全年季度平均值）",
                None if employees is None else f"{_fmt(employees)} 人",
                employees_ok,
                f"{limits.employees} 人",
            ),
        ),
        (
            "average_total_assets",
            assets_ok,
            _describe(
                "资产总额（全年季度平均值）",
                None if total_assets is None else f"{_fmt(total_assets.scaleb(-4))} 万元",
                assets_ok,
                f"{_fmt(limits.total_assets)} 万元",
            ),
        ),
        ("restricted_industry", not3(restricted_industry), _INDUSTRY_TEXT[restricted_industry]),
    ]


def _describe(label: str, shown: str | None, ok: Truth, limit: str) -> str:
    if shown is None:
        return f"{label}未知"
    return f"{label} {shown}（{'≤' if ok else '>'}{limit}）"


def _within(value: Decimal | None, limit: Decimal | int) -> Truth:
    return None if value is None else value <= limit


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _fmt(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def load_small_low_profit_rules(path: Path | None = None) -> SmallLowProfitRules:
    """Load and validate the rule sets; the default file is read once and cached."""
    return _load_default() if path is None else _load(path)


@functools.cache
def _load_default() -> SmallLowProfitRules:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> SmallLowProfitRules:
    with path.open(encoding="utf-8") as stream:
        return SmallLowProfitRules.model_validate(yaml.safe_load(stream))
