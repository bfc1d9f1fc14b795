"""Facts derived from a profile by the reference standards, with the reasoning behind each.

Rules name them like any recorded fact (``enterprise.size_class``); the entitlement list
shows the reasoning (``basis``) so a person sees why an enterprise counts as 小型.
"""

from dataclasses import dataclass

from matcher.profiles import uscc
from matcher.profiles.model import EnterpriseProfile
from matcher.rules import FactSpec
from matcher.rules import types as rt
from matcher.rules.ast import Value
from matcher.standards.small_low_profit import SmallLowProfitVerdict, load_small_low_profit_rules
from matcher.standards.sme_size import SIZE_CLASS_LABELS, SizeVerdict, load_size_standard
from matcher.three_valued import any3

JIYUAN_REGION_CODE = "419001"
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRST")


def derived_facts() -> list[FactSpec]:
    """The derived facts rules may name, with their types and labels."""
    return [
        FactSpec("enterprise.registered_in_jiyuan", rt.BOOL, "在济源登记注册"),
        FactSpec("enterprise.industry_section", rt.enum(*SECTIONS), "国民经济行业门类"),
        FactSpec(
            "enterprise.size_category",
            rt.enum(*(c.key for c in load_size_standard().categories)),
            "中小企业划型所属行业",
        ),
        FactSpec("enterprise.size_class", rt.enum(*SIZE_CLASS_LABELS), "企业规模"),
        FactSpec("enterprise.small_low_profit", rt.BOOL, "小型微利企业"),
        FactSpec(
            "enterprise.small_low_profit_saving", rt.DECIMAL, "小型微利企业所得税减免额（元）"
        ),
        FactSpec("enterprise.founder_first_time", rt.BOOL, "创业者为首次创业"),
    ]


@dataclass(frozen=True, slots=True)
class Derivation:
    """The derived facts of one profile and the verdicts they come from."""

    size: SizeVerdict
    small_low_profit: SmallLowProfitVerdict
    values: dict[str, Value]


def suggested_registration_area(profile: EnterpriseProfile) -> str | None:
    """The area the credit code was issued in: a hint for a missing registration area only.

    The code never changes when a firm moves, and firms registered by the province carry
    410000, so its digits never decide where an enterprise is registered.
    """
    if profile.registration_area is not None or profile.uscc is None:
        return None
    return uscc.region_code(profile.uscc)


def derive(profile: EnterpriseProfile) -> Derivation:
    """Apply the reference standards to ``profile``."""
    size = load_size_standard().classify(
        profile.industry_code, profile.employees, profile.operating_revenue, profile.total_assets
    )
    slp = load_small_low_profit_rules().assess(
        profile.fiscal_year,
        profile.annual_taxable_income,
        profile.average_employees,
        profile.average_total_assets,
        profile.restricted_industry,
    )
    founders = [f.first_time_founder for f in profile.founders]
    values: dict[str, Value] = {
        "enterprise.registered_in_jiyuan": (
            None
            if profile.registration_area is None
            else profile.registration_area == JIYUAN_REGION_CODE
        ),
        "enterprise.industry_section": profile.industry_code[0] if profile.industry_code else None,
        "enterprise.size_category": size.category,
        "enterprise.size_class": size.size_class,
        "enterprise.small_low_profit": slp.qualifies,
        "enterprise.small_low_profit_saving": slp.saving,
        "enterprise.founder_first_time": any3(founders) if founders else None,
    }
    return Derivation(size, slp, values)


_UNDERLYING: dict[str, str] = {
    "enterprise.registered_in_jiyuan": "registration_area",
    "enterprise.industry_section": "industry_code",
    "enterprise.founder_first_time": "founders",
}


def underlying_missing(derivation: Derivation, path: str) -> tuple[str, ...]:
    """The profile fields whose absence leaves the derived fact ``path`` unknown."""
    if path in ("enterprise.size_class", "enterprise.size_category"):
        missing = derivation.size.missing
    elif path in ("enterprise.small_low_profit", "enterprise.small_low_profit_saving"):
        missing = derivation.small_low_profit.missing
    elif path in _UNDERLYING:
        missing = (_UNDERLYING[path],)
    else:
        return ()
    return tuple(f"enterprise.{name}" for name in missing)
