"""What the policy format lets an officer write in YAML alone: dated parameters, validity and
succession, several sources, exclusions, and the 申兑指南 with a basis for every value."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.results import Entitlement, Status
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.issues import CatalogError
from matcher.profiles.parse import parse_profile
from tests.policies.factories import policy_data, write_catalog

USCC = "91419001MA4000000C"


def _one(catalog: Catalog, on: date, policy_id: str, **facts: Any) -> Entitlement:
    profile = parse_profile(
        {"uscc": USCC, "name": "测试企业", "operating_status": "operating", **facts}
    )
    result = evaluate(profile, on, catalog)
    return next(e for e in result.entitlements if e.policy_id == policy_id)


def _messages(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    return [f"{i.field}: {i.message}" for i in caught.value.issues]


RATE = {
    "label": "补贴比例",
    "unit": "比例",
    "values": [
        {"from": "2020-01-01", "value": "0.10", "source": "测试〔2020〕1号", "clause": "10%"},
        {
            "from": "2022-01-01",
            "until": "2023-12-31",
            "value": "0.20",
            "source": "测试〔2022〕2号",
            "clause": "提高至20%",
        },
    ],
}


def test_a_dated_parameter_takes_the_value_in_force_on_the_evaluation_date(tmp_path: Path) -> None:
    policy = policy_data(
        "rated",
        parameters={"rate": RATE},
        benefit={
            "kind": "cash_subsidy",
            "description": "按比例补贴",
            "amount": "param.rate * 10000",
        },
    )
    catalog = load_catalog(write_catalog(tmp_path, policy))
    assert _one(catalog, date(2021, 12, 31), "rated").amount == Decimal("1000.00")
    later = _one(catalog, date(2022, 1, 1), "rated")
    assert later.amount == Decimal("2000.00")
    [reading] = later.parameters
    assert (reading.value, reading.start, reading.until) == (
        Decimal("0.20"),
        date(2022, 1, 1),
        date(2023, 12, 31),
    )
    assert reading.source == "测试〔2022〕2号"
    after = _one(catalog, date(2024, 1, 1), "rated")
    assert after.status is Status.ELIGIBLE
    assert after.amount is None, "past every value's period the rate is unknown, never guessed"
    assert after.parameters[0].value is None


def test_a_tax_year_parameter_reads_the_enterprise_s_fiscal_year(tmp_path: Path) -> None:
    policy = policy_data(
        "by-year",
        parameters={"rate": {**RATE, "by": "tax_year"}},
        benefit={"kind": "tax_preference", "description": "减税", "amount": "param.rate * 10000"},
    )
    catalog = load_catalog(write_catalog(tmp_path, policy))
    on = date(2026, 5, 1)
    assert _one(catalog, on, "by-year", fiscal_year=2021).amount == Decimal("1000.00")
    assert _one(catalog, on, "by-year", fiscal_year=2023).amount == Decimal("2000.00")
    unknown = _one(catalog, on, "by-year")
    assert unknown.amount is None
    assert [m.fact for m in unknown.missing_facts] == ["enterprise.fiscal_year"]


def test_parameter_periods_must_not_overlap_and_tax_years_start_on_1_january(
    tmp_path: Path,
) -> None:
    overlapping = {
        **RATE,
        "values": [
            {**RATE["values"][0], "until": "2022-06-30"},
            RATE["values"][1],
        ],
    }
    shifted = {**RATE, "by": "tax_year", "values": [{**RATE["values"][0], "from": "2020-07-01"}]}
    messages = _messages(
        write_catalog(
            tmp_path,
            policy_data("overlap", parameters={"rate": overlapping}),
            policy_data("shifted", parameters={"rate": shifted}),
        )
    )
    assert any("2020-01-01 起的值与 2022-01-01 起的值期间重叠" in m for m in messages)
    assert any("from 须为1月1日" in m for m in messages)


def test_an_ended_policy_is_listed_as_ended_and_its_successor_offered(tmp_path: Path) -> None:
    old = policy_data(
        "old",
        effective={"from": "2020-01-01", "until": "2020-12-31", "basis": "年度方案"},
        replaced_by="new",
    )
    new = policy_data("new", effective={"from": "2021-01-01"}, replaces=["old"])
    catalog = load_catalog(write_catalog(tmp_path, old, new))
    profile = parse_profile({"uscc": USCC, "name": "测试企业", "operating_status": "operating"})
    last_day = evaluate(profile, date(2020, 12, 31), catalog)
    assert [e.policy_id for e in last_day.entitlements] == ["old"]
    assert last_day.ended == ()
    next_day = evaluate(profile, date(2021, 1, 1), catalog)
    assert [e.policy_id for e in next_day.entitlements] == ["new"]
    [ended] = next_day.ended
    assert (ended.policy_id, ended.ended_on, ended.replaced_by) == (
        "old",
        date(2020, 12, 31),
        "new",
    )


def test_succession_must_name_real_policies_in_order(tmp_path: Path) -> None:
    messages = _messages(
        write_catalog(
            tmp_path,
            policy_data(
                "old", effective={"from": "2020-01-01", "until": "2020-12-31"}, replaced_by="new"
            ),
            policy_data("new", effective={"from": "2020-06-01"}),
            policy_data("lost", replaces=["nowhere"]),
            policy_data("open", replaced_by="new"),
        )
    )
    assert "replaced_by: new 须在 2020-12-31 之后生效" in messages
    assert "replaces: 应列出被替代的 old" in messages
    assert "replaces: 未知政策 nowhere" in messages
    assert any("replaced_by 须同时给出 effective.until" in m for m in messages)


def test_benefits_that_exclude_each_other_mark_the_better_one(tmp_path: Path) -> None:
    basis = {"assumption": "两项优惠不能叠加享受"}
    small = policy_data("small", excludes=[{"policy": "large", **basis}])
    large = policy_data(
        "large",
        benefit={"kind": "cash_subsidy", "description": "补贴", "amount": "3000"},
        excludes=[{"policy": "small", **basis}],
    )
    catalog = load_catalog(write_catalog(tmp_path, small, large))
    profile = parse_profile({"uscc": USCC, "name": "测试企业", "operating_status": "operating"})
    by_id = {e.policy_id: e for e in evaluate(profile, date(2021, 1, 1), catalog).entitlements}
    assert by_id["large"].preferred is True
    assert by_id["small"].preferred is False
    assert by_id["small"].excludes == ("large",)


def test_every_material_and_office_gives_a_source_or_an_assumption(tmp_path: Path) -> None:
    policy = policy_data(
        "unsourced",
        apply={
            "beneficiaries": "企业",
            "where": {"name": "测试局"},
            "materials": [
                {"item": "营业执照", "source": "测试〔2020〕1号", "assumption": "也写了"}
            ],
        },
    )
    messages = _messages(write_catalog(tmp_path, policy))
    assert messages == [
        "apply.where: source 与 assumption 须且只能填写一个",
        "apply.materials.0: source 与 assumption 须且只能填写一个",
    ]


def test_a_criterion_unknown_only_for_a_parameter_out_of_period_is_undetermined(
    tmp_path: Path,
) -> None:
    """No fact is missing, yet the rate is unknown: the enterprise is not told it qualifies."""
    policy = policy_data(
        "gated",
        parameters={"rate": RATE},
        criteria=[
            {
                "id": "rate_set",
                "label": "补贴比例已规定",
                "expr": "param.rate > 0",
                "clause": "按规定比例补贴",
            }
        ],
    )
    catalog = load_catalog(write_catalog(tmp_path, policy))
    assert _one(catalog, date(2023, 12, 31), "gated").status is Status.ELIGIBLE
    after = _one(catalog, date(2024, 1, 1), "gated")
    assert after.status is Status.UNDETERMINED
    assert after.missing_facts == ()
