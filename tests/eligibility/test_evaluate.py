import json
from datetime import date
from decimal import Decimal

import pytest

from matcher.config import DEMO_ENTERPRISE
from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.results import Entitlement, Outcome, Status
from matcher.eligibility.serialize import to_json
from matcher.policies.catalog import default_catalog
from matcher.profiles.errors import ProfileError
from matcher.profiles.parse import parse_profile, parse_profile_json

DEMO = parse_profile_json((DEMO_ENTERPRISE).read_text("utf-8"))


def _by_id(entitlements: tuple[Entitlement, ...]) -> dict[str, Entitlement]:
    return {e.policy_id: e for e in entitlements}


def test_demo_enterprise_entitlements() -> None:
    result = evaluate(DEMO, date(2020, 8, 1))
    found = _by_id(result.entitlements)
    assert result.derived.size_class == "small"
    assert result.derived.small_low_profit is True
    assert result.derived.small_low_profit_tax == Decimal("190000.00")
    assert found["small-low-profit-income-tax"].status is Status.ELIGIBLE
    assert found["small-low-profit-income-tax"].amount == Decimal("410000.00")
    assert found["export-rebate-fast-processing"].working_days == 6
    assert found["construction-guarantee-letter"].status is Status.NOT_ELIGIBLE


def test_waiting_period_gives_the_date_from_which_to_apply() -> None:
    graduate = parse_profile(
        {**DEMO.model_dump(), "facts": {"founder_target_group": "student_graduate"}},
        default_catalog().facts,
    )
    startup = _by_id(evaluate(graduate, date(2020, 8, 1)).entitlements)["startup-subsidy"]
    assert startup.status is Status.NOT_ELIGIBLE
    assert startup.eligible_from == date(2020, 9, 16)
    assert startup.amount == Decimal("5000.00")
    [waiting] = [c for c in startup.criteria if c.result is Outcome.FAIL]
    assert waiting.id == "operating_one_year"
    assert waiting.satisfied_on == date(2020, 9, 16)
    assert waiting.values == {
        "enterprise.registered_on": date(2019, 9, 16),
        "as_of": date(2020, 8, 1),
    }
    later = _by_id(evaluate(graduate, date(2020, 9, 16)).entitlements)["startup-subsidy"]
    assert later.status is Status.ELIGIBLE


def test_undetermined_lists_the_facts_that_would_decide_it() -> None:
    profile = parse_profile({"uscc": "91419001MA4000000C", "name": "新企业"})
    found = _by_id(evaluate(profile, date(2020, 12, 31)).entitlements)
    sme = found["procurement-sme-reservation"]
    assert sme.status is Status.UNDETERMINED
    assert [m.fact for m in sme.missing_facts] == [
        "enterprise.industry_code",
        "enterprise.operating_status",
    ]
    transfer = found["tech-transfer-subsidy"]
    assert transfer.status is Status.UNDETERMINED
    assert "claim.transaction_amount" in {m.fact for m in transfer.missing_facts}


def test_claim_facts_decide_the_amount() -> None:
    claim = {
        "cooperation_mode": "joint_rnd",
        "counterparty_kind": "research_institute",
        "transaction_amount": "850000.00",
        "contract_date": "2020-07-01",
        "contract_registration_number": "2141-9001-000002",
    }
    result = evaluate(DEMO, date(2020, 8, 1), claims={"tech-transfer-subsidy": claim})
    transfer = _by_id(result.entitlements)["tech-transfer-subsidy"]
    assert transfer.status is Status.ELIGIBLE
    assert transfer.amount == Decimal("170000.00")


def test_invalid_claim_facts_are_field_errors() -> None:
    with pytest.raises(ProfileError) as caught:
        evaluate(
            DEMO, date(2020, 8, 1), claims={"tech-transfer-subsidy": {"transaction_amount": "x"}}
        )
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("transaction_amount", "应为数值")
    ]


def test_policies_not_yet_in_force_are_left_out() -> None:
    before = _by_id(evaluate(DEMO, date(2020, 6, 21)).entitlements)
    on_the_day = _by_id(evaluate(DEMO, date(2020, 6, 22)).entitlements)
    assert "startup-subsidy" not in before and "startup-subsidy" in on_the_day
    assert "small-low-profit-income-tax" in before  # national: in force since 2019
    assert "small-scale-vat-threshold" not in on_the_day  # from 2026


def test_json_shape_is_stable() -> None:
    data = json.loads(to_json(evaluate(DEMO, date(2020, 8, 1))))
    assert set(data) == {"as_of", "enterprise", "derived", "entitlements", "ended"}
    assert data["as_of"] == "2020-08-01"
    startup = next(e for e in data["entitlements"] if e["policy_id"] == "startup-subsidy")
    assert set(startup) == {
        "policy_id", "title", "summary", "version", "status", "benefit_kind", "benefit",
        "amount", "working_days", "eligible_from", "missing_facts", "criteria", "source",
        "units", "apply", "sources", "effective", "parameters", "excludes", "preferred",
    }  # fmt: skip
    assert set(startup["apply"]) == {
        "beneficiaries", "where", "open_from", "open_until", "materials", "how",
    }  # fmt: skip
    assert set(startup["apply"]["where"]) == {"name", "address", "phone", "source", "assumption"}
    assert startup["amount"] == "5000.00"
    assert startup["eligible_from"] == "2020-09-16"
    assert startup["source"]["article"] == 26
    assert set(startup["criteria"][0]) == {
        "id", "label", "result", "values", "expression", "clause", "satisfied_on",
    }  # fmt: skip
    assert data["derived"]["size_class"] == "small"


def test_a_missing_industry_is_suggested_but_never_decided() -> None:
    profile = parse_profile(
        {
            "uscc": "91419001MA4000000C",
            "name": "钢构企业",
            "business_scope": "钢材压延加工；金属结构制造；钢丝绳及其制品销售",
            "employees": 50,
            "operating_revenue": "20000000",
            "operating_status": "operating",
        }
    )
    result = evaluate(profile, date(2020, 12, 31))
    best = result.derived.industry_suggestion
    assert best is not None and best.section[0].label == "C"
    assert result.derived.size_class is None
    sme = _by_id(result.entitlements)["procurement-sme-reservation"]
    assert sme.status is Status.UNDETERMINED
    [industry] = [m for m in sme.missing_facts if m.fact == "enterprise.industry_code"]
    assert industry.suggestion is not None and industry.suggestion.startswith("建议：C 制造业（")


def test_no_suggestion_when_the_industry_is_known() -> None:
    assert evaluate(DEMO, date(2020, 8, 1)).derived.industry_suggestion is None


def test_the_2020_plan_gives_way_to_its_successors_at_the_end_of_2020() -> None:
    last_day = evaluate(DEMO, date(2020, 12, 31))
    next_day = evaluate(DEMO, date(2021, 1, 1))
    assert "procurement-sme-reservation" in _by_id(last_day.entitlements)
    assert "sme-procurement-reservation" not in _by_id(last_day.entitlements)
    offered = _by_id(next_day.entitlements)
    assert {"sme-procurement-reservation", "enterprise-simplified-deregistration"} <= set(offered)
    assert not {"procurement-sme-reservation", "tech-transfer-subsidy"} & set(offered)
    ended = {p.policy_id: p for p in next_day.ended}
    assert ended["procurement-sme-reservation"].ended_on == date(2020, 12, 31)
    assert ended["procurement-sme-reservation"].replaced_by == "sme-procurement-reservation"
    assert ended["simplified-deregistration"].replaced_by == "enterprise-simplified-deregistration"
    assert ended["tech-transfer-subsidy"].replaced_by is None
