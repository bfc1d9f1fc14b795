"""Dated parameters give a population in the database the values they give one enterprise."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session

from matcher.eligibility.evaluate import evaluate_one
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import load_catalog
from matcher.population.service import match_population
from matcher.population.tables import EntitlementSnapshot
from matcher.profiles.model import EnterpriseProfile
from tests.policies.factories import policy_data, write_catalog
from tests.population.factories import uscc

RATE = {
    "label": "补贴比例",
    "unit": "比例",
    "by": "tax_year",
    "values": [
        {"from": "2019-01-01", "value": "0.10", "source": "测试〔2019〕1号", "clause": "10%"},
        {
            "from": "2021-01-01",
            "until": "2023-12-31",
            "value": "0.25",
            "source": "测试〔2021〕2号",
            "clause": "25%",
        },
    ],
}
CAP = {
    "label": "补贴上限",
    "unit": "元",
    "values": [
        {"from": "2020-01-01", "value": "2000", "source": "测试〔2020〕1号", "clause": "2000元"},
        {"from": "2026-01-01", "value": "1500", "source": "测试〔2026〕1号", "clause": "1500元"},
    ],
}


def test_population_amounts_follow_the_parameters_like_the_evaluator(
    engine: Engine, tmp_path: Path
) -> None:
    policy = policy_data(
        "rated",
        parameters={"rate": RATE, "cap": CAP},
        benefit={
            "kind": "cash_subsidy",
            "description": "按比例补贴",
            "amount": "min(param.rate * enterprise.operating_revenue, param.cap)",
        },
    )
    [compiled] = load_catalog(write_catalog(tmp_path, policy))
    years = [2018, 2020, 2021, 2023, 2024, None]
    profiles = [
        EnterpriseProfile(
            uscc=uscc("419001", serial),
            name=f"测试企业{serial}",
            operating_status="operating",
            operating_revenue=Decimal("10000.00"),
            fiscal_year=year,
        )
        for serial, year in enumerate(years, start=1)
    ]
    with Session(engine) as session:
        repository = EnterpriseRepository(session)
        for profile in profiles:
            repository.save(profile, "registration", "test")
        session.commit()
    on = date(2026, 3, 1)
    run = match_population(engine, [compiled], on)
    with Session(engine) as session:
        stored = session.scalars(
            select(EntitlementSnapshot).where(EntitlementSnapshot.run_id == run.id)
        ).all()
        amounts = {row.enterprise_id: row.amount for row in stored}
        ids = {p.uscc: EnterpriseRepository(session).row(p.uscc or "") for p in profiles}
    expected = {
        ids[p.uscc]["id"]: evaluate_one(compiled, p, on).amount  # type: ignore[index]
        for p in profiles
    }
    assert amounts == expected
    assert sorted(a for a in amounts.values() if a is not None) == [
        Decimal("1000.00"),
        Decimal("1500.00"),
        Decimal("1500.00"),
    ], "2020 at 10% (1000), 2021 and 2023 at 25% capped by the 2026 cap (1500)"
