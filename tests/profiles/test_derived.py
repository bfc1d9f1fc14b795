from decimal import Decimal

from matcher.profiles.derived import derive, suggested_registration_area, underlying_missing
from matcher.profiles.facts import enterprise_facts
from matcher.profiles.parse import parse_profile
from matcher.profiles.schema import enterprise_schema
from matcher.rules import types as rt

BASE = {"uscc": "91419001MA4000000C", "name": "测试企业"}


def test_derived_facts_of_a_small_manufacturer() -> None:
    profile = parse_profile(
        {
            **BASE,
            "industry_code": "C3130",
            "registration_area": "419001",
            "employees": 86,
            "operating_revenue": "38600000",
            "total_assets": "42000000",
            "average_employees": "84.25",
            "average_total_assets": "40500000",
            "fiscal_year": 2020,
            "annual_taxable_income": "2400000",
            "restricted_industry": False,
            "founders": [{"first_time_founder": False}, {"first_time_founder": True}],
        }
    )
    facts, derivation = enterprise_facts(profile)
    assert facts["enterprise.registered_in_jiyuan"] is True
    assert facts["enterprise.industry_section"] == "C"
    assert facts["enterprise.size_category"] == "industry"
    assert facts["enterprise.size_class"] == "small"
    assert facts["enterprise.small_low_profit"] is True
    assert facts["enterprise.small_low_profit_saving"] == Decimal("410000.00")
    assert facts["enterprise.founder_first_time"] is True
    assert facts["enterprise.employees"] == 86
    assert "工业" in derivation.size.basis


def test_unknown_derived_facts_point_at_the_profile_fields_to_fill() -> None:
    derivation = derive(parse_profile({**BASE, "industry_code": "C3130", "employees": 500}))
    assert derivation.values["enterprise.size_class"] is None
    assert underlying_missing(derivation, "enterprise.size_class") == (
        "enterprise.operating_revenue",
    )
    assert derivation.values["enterprise.founder_first_time"] is None
    assert underlying_missing(derivation, "enterprise.founder_first_time") == (
        "enterprise.founders",
    )


def test_schema_is_read_off_the_profile_model() -> None:
    schema = enterprise_schema()
    assert schema["enterprise.employees"].type == rt.INT
    assert schema["enterprise.employees"].label == "从业人数"
    assert schema["enterprise.operating_revenue"].type == rt.DECIMAL
    assert schema["enterprise.entity_type"].type == rt.enum(
        "company", "individual_business", "farmer_cooperative"
    )
    assert schema["enterprise.size_class"].type == rt.enum("large", "medium", "small", "micro")
    assert "enterprise.founders" not in schema
    assert schema["as_of"].type == rt.DATE


def test_the_credit_code_only_suggests_where_an_enterprise_is_registered() -> None:
    """The code keeps the area of first issue: a moved firm, or one registered by the province
    (410000), is not placed by its digits."""
    moved = parse_profile({**BASE, "uscc": "91410100MA4000000K"})
    facts, derivation = enterprise_facts(moved)
    assert facts["enterprise.registered_in_jiyuan"] is None
    assert underlying_missing(derivation, "enterprise.registered_in_jiyuan") == (
        "enterprise.registration_area",
    )
    assert suggested_registration_area(moved) == "410100"
    here = moved.model_copy(update={"registration_area": "419001"})
    assert enterprise_facts(here)[0]["enterprise.registered_in_jiyuan"] is True
    assert suggested_registration_area(here) is None


def test_small_low_profit_reads_the_quarterly_averages_not_period_end_figures() -> None:
    data = {
        **BASE,
        "fiscal_year": 2024,
        "annual_taxable_income": "1000000",
        "restricted_industry": False,
        "employees": 280,
        "average_total_assets": "10000000",
    }
    over = derive(parse_profile({**data, "average_employees": "300.25"}))
    assert over.values["enterprise.small_low_profit"] is False
    unknown = derive(parse_profile(data))
    assert unknown.values["enterprise.small_low_profit"] is None
    assert underlying_missing(unknown, "enterprise.small_low_profit") == (
        "enterprise.average_employees",
    )
