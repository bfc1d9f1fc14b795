"""SME size class (大型/中型/小型/微型) per 《中小企业划型标准规定》(工信部联企业〔2011〕300号).

Thresholds and industry ranges are data (``matcher/catalog/standards/sme_size_standard.yaml``);
this module validates them and applies the tier rule of 国统字〔2017〕213号: large, medium
and small must meet *every* lower limit of the tier, otherwise the enterprise drops a tier.
An unknown indicator makes a tier test unknown, so the class is only fixed once the first
tier that is not known to fail is known to hold.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from matcher.three_valued import Truth, all3

SizeClass = Literal["large", "medium", "small", "micro"]
Tier = Literal["large", "medium", "small"]
Indicator = Literal["employees", "operating_revenue", "total_assets"]

SIZE_CLASS_LABELS: dict[str, str] = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
}

DEFAULT_PATH = (
    Path(__file__).resolve().parents[1] / "catalog" / "standards" / "sme_size_standard.yaml"
)

_TIERS: tuple[Tier, ...] = ("large", "medium", "small")
_INDICATOR_TEXT: dict[Indicator, tuple[str, str]] = {
    "employees": ("从业人员", "人"),
    "operating_revenue": ("营业收入", "万元"),
    "total_assets": ("资产总额", "万元"),
}
_PROFILE_CODE = re.compile(r"([A-Z]?)(\d{2,4})?")

# A section letter, a division (2 digits), a group (3) or a class (4).
StandardCode = Annotated[str, StringConstraints(pattern=r"^([A-Z]|\d{2,4})$")]
SectionLetter = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    number: str
    title: str
    issuers: str
    issued: date
    role: str


class BoundaryRules(_Model):
    inclusion: str
    tiers: str


class TierLimits(_Model):
    """Lower limits of one tier; money in 万元 as in the source table."""

    employees: int | None = None
    operating_revenue: Decimal | None = None
    total_assets: Decimal | None = None

    def limits(self) -> dict[Indicator, Decimal]:
        given: dict[Indicator, int | Decimal | None] = {
            "employees": self.employees,
            "operating_revenue": self.operating_revenue,
            "total_assets": self.total_assets,
        }
        return {name: Decimal(value) for name, value in given.items() if value is not None}


class Tiers(_Model):
    large: TierLimits
    medium: TierLimits
    small: TierLimits

    def of(self, tier: Tier) -> TierLimits:
        return {"large": self.large, "medium": self.medium, "small": self.small}[tier]


class SizeCategory(_Model):
    key: str
    name: str
    note: str | None = None
    codes: tuple[StandardCode, ...]
    tiers: Tiers

    @model_validator(mode="after")
    def _check_tiers(self) -> Self:
        limits = [self.tiers.of(tier).limits() for tier in _TIERS]
        if not limits[0]:
            raise ValueError(f"{self.key}: a tier needs at least one indicator")
        for upper, lower in pairwise(limits):
            if upper.keys() != lower.keys():
                raise ValueError(f"{self.key}: all tiers must use the same indicators")
            if any(upper[name] < lower[name] for name in upper):
                raise ValueError(f"{self.key}: lower limits must not grow from large to small")
        if any(value <= 0 for tier in limits for value in tier.values()):
            raise ValueError(f"{self.key}: lower limits must be positive")
        return self


@dataclass(frozen=True)
class SizeVerdict:
    category: str | None
    category_label: str | None
    size_class: SizeClass | None
    missing: tuple[str, ...]
    basis: str


class SizeStandard(_Model):
    """The validated size standard; frozen, so it can be shared and cached."""

    sources: tuple[Source, ...]
    boundary_rules: BoundaryRules
    assumptions: tuple[str, ...]
    gbt4754_sections: dict[SectionLetter, tuple[int, int]]
    categories: tuple[SizeCategory, ...]

    @model_validator(mode="after")
    def _check_codes(self) -> Self:
        keys = [category.key for category in self.categories]
        if len(set(keys)) != len(keys):
            raise ValueError("category keys must be unique")
        codes = [code for category in self.categories for code in category.codes]
        if len(set(codes)) != len(codes):
            raise ValueError("an industry code may belong to one category only")
        for code in codes:
            known = self._section_of(code) if code.isdigit() else code in self.gbt4754_sections
            if not known:
                raise ValueError(f"industry code {code} is not in any GB/T 4754-2017 section")
        return self

    def _section_of(self, digits: str) -> str | None:
        division = int(digits[:2])
        for letter, (first, last) in self.gbt4754_sections.items():
            if first <= division <= last:
                return letter
        return None

    def _parse(self, industry_code: str) -> tuple[str, str] | None:
        """Split a code into (section letter, digits); None if malformed or inconsistent."""
        match = _PROFILE_CODE.fullmatch(re.sub(r"\s+", "", industry_code).upper())
        if match is None or not any(match.groups()):
            return None
        letter, digits = match.group(1), match.group(2) or ""
        if not digits:
            return (letter, "") if letter in self.gbt4754_sections else None
        section = self._section_of(digits)
        if section is None or letter not in ("", section):
            return None
        return section, digits

    @functools.cached_property
    def _by_code(self) -> dict[str, SizeCategory]:
        return {code: category for category in self.categories for code in category.codes}

    def category_for(self, industry_code: str) -> SizeCategory | None:
        """The category whose most specific code covers ``industry_code``."""
        parsed = self._parse(industry_code)
        if parsed is None:
            return None
        section, digits = parsed
        for length in range(len(digits), 1, -1):
            category = self._by_code.get(digits[:length])
            if category is not None:
                return category
        return self._by_code.get(section)

    def classify(
        self,
        industry_code: str | None,
        employees: int | None,
        operating_revenue: Decimal | None,
        total_assets: Decimal | None,
    ) -> SizeVerdict:
        """Size class of an enterprise; money arrives in yuan."""
        if industry_code is None:
            basis = "行业代码未知，无法确定划型标准"
            return SizeVerdict(None, None, None, ("industry_code",), basis)
        category = self.category_for(industry_code)
        if category is None:
            basis = f"行业代码 {industry_code.strip()} 不属于划型标准所列行业，无法划型"
            return SizeVerdict(None, None, None, (), basis)
        values: dict[Indicator, Decimal | None] = {
            "employees": None if employees is None else Decimal(employees),
            "operating_revenue": _to_wan(operating_revenue),
            "total_assets": _to_wan(total_assets),
        }
        return _classify(category, values)


def _to_wan(yuan: Decimal | None) -> Decimal | None:
    """Yuan to 万元; ``scaleb`` shifts the exponent, so the conversion is exact."""
    return None if yuan is None else yuan.scaleb(-4)


def _classify(category: SizeCategory, values: dict[Indicator, Decimal | None]) -> SizeVerdict:
    parts = ""
    for tier in _TIERS:
        limits = category.tiers.of(tier).limits()
        met = {name: _at_least(values[name], limit) for name, limit in limits.items()}
        parts = "，".join(_describe(name, values[name], limits[name], met[name]) for name in met)
        outcome = all3(met.values())
        if outcome is None:
            missing = tuple(name for name, ok in met.items() if ok is None)
            basis = f"{category.name}：{parts}→ 无法判定是否达到{SIZE_CLASS_LABELS[tier]}标准"
            return SizeVerdict(category.key, category.name, None, missing, basis)
        if outcome:
            basis = f"{category.name}：{parts}→ {SIZE_CLASS_LABELS[tier]}"
            return SizeVerdict(category.key, category.name, tier, (), basis)
    # ``parts`` now describes the small tier, which micro enterprises fall short of.
    return SizeVerdict(category.key, category.name, "micro", (), f"{category.name}：{parts}→ 微型")


def _at_least(value: Decimal | None, limit: Decimal) -> Truth:
    return None if value is None else value >= limit


def _describe(name: Indicator, value: Decimal | None, limit: Decimal, met: Truth) -> str:
    label, unit = _INDICATOR_TEXT[name]
    if value is None:
        return f"{label}未知（需≥{_fmt(limit)} {unit}）"
    return f"{label} {_fmt(value)} {unit}（{'≥' if met else '<'}{_fmt(limit)}）"


def _fmt(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def load_size_standard(path: Path | None = None) -> SizeStandard:
    """Load and validate the size standard; the default file is read once and cached."""
    return _load_default() if path is None else _load(path)


@functools.cache
def _load_default() -> SizeStandard:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> SizeStandard:
    with path.open(encoding="utf-8") as stream:
        return SizeStandard.model_validate(yaml.safe_load(stream))
