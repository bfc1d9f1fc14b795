"""Who supplies each fact: an authority that holds it on record, or the enterprise itself.

A declared fact names its authority in its fact file (``authority``); the profile's own fields
are listed here, beside the model. An enterprise may correct only the facts it declares itself
(``self_declared``: its headcount, revenue and assets for the SME size test are what it states
in the 中小企业声明函, 财库〔2020〕46号; whether it has operated or settled its debts is its own
promise under the simplified deregistration). Registration data comes from 市场监管, tax data
from 税务, certifications from the department that grants them: only staff correct those.
"""

from matcher.profiles.declared import AUTHORITY_LABELS, Authority, DeclaredFacts

PROFILE_AUTHORITIES: dict[str, Authority] = {
    "uscc": "market_regulation",
    "name": "market_regulation",
    "entity_type": "market_regulation",
    "registered_on": "market_regulation",
    "district": "self_declared",
    "registration_area": "market_regulation",
    "in_provincial_industrial_park": "self_declared",
    "operating_status": "market_regulation",
    "has_operated": "self_declared",
    "debts_settled": "self_declared",
    "industry_code": "statistics",
    "business_scope": "market_regulation",
    "industry_cluster": "industry",
    "employees": "self_declared",
    "new_hires": "human_resources",
    "operating_revenue": "self_declared",
    "total_assets": "self_declared",
    "average_employees": "tax",
    "average_total_assets": "tax",
    "fiscal_year": "tax",
    "annual_taxable_income": "tax",
    "restricted_industry": "tax",
    "high_tech_certified": "science",
    "tech_sme_registered": "science",
    "rnd_expenses": "tax",
    "tax_credit_rating": "tax",
    "credit_list": "staff",
    "exporter": "customs",
    "export_rebate_class": "tax",
    "construction_qualified": "staff",
    "patents": "market_regulation",
    "invention_patents": "market_regulation",
    "bank_credit_total": "finance",
    "in_incubation_base": "human_resources",
    "founders": "human_resources",
}
"""The authority of each profile field (``facts`` aside: its entries name their own)."""

SELF_DECLARED: Authority = "self_declared"
NOT_AN_AUTHORITY: tuple[Authority, ...] = (SELF_DECLARED, "staff")
"""Who supplies a fact that no authority's record holds: the enterprise's own statement, or
what the window verified from materials. A 免申即享 policy reads none of them."""

DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "registered_in_jiyuan": ("registration_area",),
    "industry_section": ("industry_code",),
    "size_category": ("industry_code",),
    "size_class": ("industry_code", "employees", "operating_revenue", "total_assets"),
    "small_low_profit": (
        "fiscal_year",
        "annual_taxable_income",
        "average_employees",
        "average_total_assets",
        "restricted_industry",
    ),
    "small_low_profit_saving": (
        "fiscal_year",
        "annual_taxable_income",
        "average_employees",
        "average_total_assets",
        "restricted_industry",
    ),
    "founder_first_time": ("founders",),
}
"""The recorded facts each derived fact (:mod:`matcher.profiles.derived`) is computed from."""


def recorded_inputs(name: str) -> tuple[str, ...]:
    """The recorded facts behind ``enterprise.<name>``: itself, or what it is derived from."""
    return DERIVED_INPUTS.get(name, (name,))


def authority_of(name: str, declared: DeclaredFacts) -> Authority:
    """Who supplies fact ``name``: a profile field or a fact of ``declared``."""
    if name in declared:
        return declared[name].authority
    return PROFILE_AUTHORITIES[name]


def authority_label(name: str, declared: DeclaredFacts) -> str:
    return AUTHORITY_LABELS[authority_of(name, declared)]


def self_declarable(name: str, declared: DeclaredFacts) -> bool:
    """Whether the enterprise itself may state (and correct) fact ``name``."""
    return authority_of(name, declared) == SELF_DECLARED
