"""Enterprise profiles for the population tests: drawn near every threshold the seed rules test."""

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, delete, insert, select
from sqlmodel import Session, col
from stdnum.cn import uscc as uscc_code

from matcher.enterprises.repository import row_values
from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import default_catalog
from matcher.population.service import match_population
from matcher.population.tables import (
    Entitlement,
    EntitlementChange,
    EntitlementSnapshot,
    JudgedEnterprise,
    MatchRun,
    MatchRunPolicy,
    StatePolicy,
    StateRun,
)
from matcher.profiles.declared import validation_context
from matcher.profiles.model import EnterpriseProfile, Founder

JIYUAN, ZHENGZHOU = "419001", "410100"
INDUSTRIES = [
    "C3130",
    "C3253",
    "C1391",
    "B0610",
    "D4411",
    "E4710",
    "F5124",
    "F5211",
    "F5221",
    "G5410",
    "H6210",
    "I6510",
    "I6513",
    "K7010",
    "L7210",
    "M7320",
    "O8011",
    "A0111",
    "C1620",
    "C3973",
    "R8610",
    "R9011",
]
# Dates around the anniversaries the seed's waiting periods count, 29 February included.
DAYS = [
    date(2016, 2, 29),
    date(2019, 6, 21),
    date(2019, 6, 22),
    date(2019, 6, 23),
    date(2020, 2, 28),
    date(2020, 2, 29),
    date(2020, 3, 1),
    date(2020, 5, 31),
    date(2020, 6, 1),
    date(2020, 6, 2),
    date(2021, 1, 31),
    date(2023, 2, 28),
    date(2023, 3, 1),
]
AS_OF = [
    date(2020, 6, 22),
    date(2021, 2, 28),
    date(2021, 3, 1),
    date(2021, 6, 1),
    date(2024, 2, 29),
    date(2026, 1, 1),
]


def _amount(*edges: int, low: int = 0) -> st.SearchStrategy[Decimal]:
    """Yuan with cents: a fen either side of an edge, or anywhere from ``low`` to a billion."""
    near = st.builds(
        lambda edge, step: max(Decimal(edge) + Decimal(step) / 100, Decimal(low)),
        st.sampled_from(edges),
        st.integers(-1, 1),
    )
    anywhere = st.integers(low * 100, 10**11).map(lambda fen: Decimal(fen) / 100)
    return near | anywhere


def _money(*edges: int, low: int = 0) -> st.SearchStrategy[Decimal | None]:
    """An amount as :func:`_amount` draws it, or unknown."""
    return st.none() | _amount(*edges, low=low)


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Unknown one time in four."""
    return st.one_of(st.none(), values, values, values)


BOOLS = _maybe(st.booleans())
PROFILES = st.fixed_dictionaries(
    {
        "region": st.sampled_from([JIYUAN, JIYUAN, ZHENGZHOU]),
        "entity_type": _maybe(
            st.sampled_from(["company", "individual_business", "farmer_cooperative"])
        ),
        "registered_on": _maybe(
            st.sampled_from(DAYS) | st.dates(date(2010, 1, 1), date(2024, 2, 29))
        ),
        "registration_area": _maybe(st.sampled_from([JIYUAN, ZHENGZHOU])),
        "in_provincial_industrial_park": BOOLS,
        "operating_status": _maybe(st.sampled_from(["operating", "suspended", "closed"])),
        "has_operated": BOOLS,
        "debts_settled": BOOLS,
        "industry_code": _maybe(st.sampled_from(INDUSTRIES)),
        "employees": _maybe(
            st.sampled_from([0, 8, 10, 20, 99, 100, 101, 300, 1000]) | st.integers(0, 3000)
        ),
        "new_hires": _maybe(st.integers(0, 200)),
        "operating_revenue": _money(1_000_000, 3_000_000, 20_000_000, 50_000_000, 400_000_000),
        "total_assets": _money(3_000_000, 50_000_000, 100_000_000, 120_000_000),
        "average_employees": _maybe(
            st.sampled_from([Decimal("299.75"), Decimal(300), Decimal("300.25")])
            | st.decimals(0, 3000, places=2)
        ),
        "average_total_assets": _money(50_000_000),
        "fiscal_year": _maybe(st.integers(2018, 2028)),
        "annual_taxable_income": _money(0, 1_000_000, 3_000_000, 5_000_000, low=-(10**6)),
        "restricted_industry": BOOLS,
        "high_tech_certified": BOOLS,
        "tech_sme_registered": BOOLS,
        "rnd_expenses": _money(0, 1),
        "tax_credit_rating": _maybe(st.sampled_from(["A", "B", "M", "C", "D"])),
        "credit_list": _maybe(st.sampled_from(["red", "black", "none"])),
        "exporter": BOOLS,
        "export_rebate_class": _maybe(st.integers(1, 4)),
        "construction_qualified": BOOLS,
        "patents": _maybe(st.integers(0, 3)),
        "bank_credit_total": _money(10_000_000),
        "in_incubation_base": BOOLS,
        "founders": st.lists(st.builds(Founder, first_time_founder=BOOLS), max_size=3),
        "facts": st.fixed_dictionaries(
            {},
            optional={
                "vat_taxpayer_type": st.sampled_from(["general", "small_scale"]),
                "vat_filing_period": st.sampled_from(["month", "quarter"]),
                "vat_period_sales": _amount(100_000, 300_000),
                "vat_deductible_input_tax": _amount(1_000_000),
                "eit_collection_method": st.sampled_from(["audit", "deemed"]),
                "ic_or_machine_tool_enterprise": st.booleans(),
                "advanced_manufacturing_listed": st.booleans(),
            },
        ),
    }
)


def uscc(region: str, serial: int) -> str:
    """A valid code, unique per ``serial``, registered in ``region``."""
    body = f"91{region}MA{serial:07d}"
    return body + uscc_code.calc_check_digit(body)


def profile(data: dict[str, Any], serial: int) -> EnterpriseProfile:
    """The profile of ``data``, its declared facts read against the seed catalog's."""
    facts = {key: value for key, value in data.items() if key != "region"}
    code = uscc(data["region"], serial)
    return EnterpriseProfile.model_validate(
        {"uscc": code, "name": f"测试企业{serial}", **facts},
        context=validation_context(default_catalog().facts),
    )


def row(enterprise_id: int, profile: EnterpriseProfile) -> dict[str, Any]:
    """The ``enterprises`` row of ``profile``: the facts the evaluator reads, by column."""
    return {"id": enterprise_id} | row_values(profile)


def replace_population(connection: Connection, profiles: list[EnterpriseProfile]) -> None:
    """Empty the population tables and bulk-insert ``profiles`` with ids 1, 2, …"""
    state = (Entitlement, EntitlementChange, StateRun, StatePolicy, JudgedEnterprise)
    for table in (EntitlementSnapshot, MatchRunPolicy, MatchRun, *state):
        connection.execute(delete(table))
    connection.execute(delete(enterprises))
    rows = [row(index, p) for index, p in enumerate(profiles, start=1)]
    if rows:
        connection.execute(insert(enterprises), rows)


Snapshot = dict[tuple[int, str], tuple[int, Decimal | None, date | None]]
"""(enterprise id, policy id) → (status code, amount, eligible from)."""


def full_match(engine: Engine, as_of: date) -> Snapshot:
    """What a full run of the seed catalog finds on ``as_of``: its snapshot's rows."""
    run = match_population(engine, default_catalog().in_force(as_of), as_of)
    with Session(engine) as session:
        rows = session.execute(
            select(EntitlementSnapshot, MatchRunPolicy.policy_id)
            .join(
                MatchRunPolicy,
                (col(MatchRunPolicy.run_id) == col(EntitlementSnapshot.run_id))
                & (col(MatchRunPolicy.policy_no) == col(EntitlementSnapshot.policy_no)),
            )
            .where(EntitlementSnapshot.run_id == run.id)
        )
        return {
            (r.enterprise_id, policy_id): (r.status, r.amount, r.eligible_from)
            for r, policy_id in rows
        }
