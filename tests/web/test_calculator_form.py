from datetime import date
from decimal import Decimal

from matcher.policies.catalog import default_catalog
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.schema import rule_type
from matcher.web.calculator_form import FIELDS, GROUPS, calculator_groups, read_calculator
from matcher.web.fields import FieldKind

TODAY = date(2026, 1, 5)


def test_the_form_follows_the_profile_model() -> None:
    scalars = {n for n, f in EnterpriseProfile.model_fields.items() if rule_type(f.annotation)}
    names = [spec.name for group in GROUPS for spec in group.fields]
    assert len(names) == len(set(names)), "each field once"
    assert scalars <= set(names)
    assert FIELDS["employees"].label == "从业人数"
    assert FIELDS["employees"].kind is FieldKind.INTEGER
    assert FIELDS["operating_revenue"].kind is FieldKind.MONEY
    assert FIELDS["exporter"].kind is FieldKind.YES_NO
    assert FIELDS["entity_type"].choices[1] == ("individual_business", "个体工商户")
    assert [v for v, _ in FIELDS["tax_credit_rating"].choices] == ["A", "B", "M", "C", "D"]


def test_an_empty_form_is_an_unknown_enterprise_today() -> None:
    form = read_calculator({}, TODAY)
    assert form.errors == {}
    assert form.parsed is not None
    assert form.parsed.as_of == TODAY
    assert form.parsed.profile == EnterpriseProfile()


def test_the_first_time_question_stands_for_the_founders() -> None:
    form = read_calculator({"founder_first_time": "true", "employees": "12"}, TODAY)
    assert form.parsed is not None
    profile = form.parsed.profile
    assert profile.employees == 12
    assert [f.first_time_founder for f in profile.founders] == [True]


def test_field_and_profile_errors_are_reported_together_by_field() -> None:
    typed = {"employees": "x", "export_rebate_class": "5", "as_of": "2020-8-1", "name": "甲"}
    form = read_calculator(typed, TODAY)
    assert form.parsed is None
    assert set(form.errors) == {"employees", "export_rebate_class", "as_of"}
    assert form.errors["export_rebate_class"] == ["不能大于 4"]
    assert form.values["employees"] == "x"
    assert form.values["name"] == "甲"


def test_money_may_be_typed_in_ten_thousand_yuan() -> None:
    typed = {"operating_revenue": "1.5万元", "total_assets": "３８６ 万", "rnd_expenses": "2,400元"}
    form = read_calculator(typed, TODAY)
    assert form.parsed is not None
    profile = form.parsed.profile
    assert profile.operating_revenue == Decimal("15000.00")
    assert profile.total_assets == Decimal("3860000.00")
    assert profile.rnd_expenses == Decimal("2400")
    finer = read_calculator({"operating_revenue": "1.0000001万元"}, TODAY)
    assert finer.errors == {"operating_revenue": ["以万元填写时最多 6 位小数（精确到分）"]}
    assert FIELDS["average_employees"].kind is FieldKind.DECIMAL, "people, not yuan"
    assert read_calculator({"average_employees": "8万"}, TODAY).errors == {
        "average_employees": ["应为数值，如 3.5"]
    }


def test_founders_are_counted_without_their_id_numbers() -> None:
    form = read_calculator({"founder_count": "2", "founder_first_time": "true"}, TODAY)
    assert form.parsed is not None
    assert [f.model_dump() for f in form.parsed.profile.founders] == [
        {"id_hash": None, "first_time_founder": True},
        {"id_hash": None, "first_time_founder": True},
    ]
    counted = read_calculator({"founder_count": "3"}, TODAY)
    assert counted.parsed is not None
    assert [f.first_time_founder for f in counted.parsed.profile.founders] == [None] * 3
    assert read_calculator({"founder_count": "101"}, TODAY).errors == {
        "founder_count": ["应为 0 至 100 的整数"]
    }
    assert read_calculator({"founder_count": "0", "founder_first_time": "false"}, TODAY).errors == {
        "founder_first_time": ["创业者人数为 0 时无需回答"]
    }


CATALOG = default_catalog()
TRANSFER = "tech-transfer-subsidy"


def test_each_policy_asks_for_its_claim_facts_but_no_id_number() -> None:
    groups = {g.legend: g for g in calculator_groups(CATALOG.facts, CATALOG)}
    transfer = groups["申请事项：产学研合作及科技成果交易补助"]
    assert [spec.name for spec in transfer.fields] == [
        f"{TRANSFER}.cooperation_mode",
        f"{TRANSFER}.counterparty_kind",
        f"{TRANSFER}.transaction_amount",
        f"{TRANSFER}.contract_date",
        f"{TRANSFER}.contract_registration_number",
    ]
    assert transfer.fields[1].choices == (
        ("university", "高等院校"),
        ("research_institute", "科研院所"),
    )
    names = {spec.name for group in groups.values() for spec in group.fields}
    assert not any("id_number" in name or "id_hash" in name for name in names)


def test_claim_facts_are_read_and_checked_by_policy() -> None:
    typed = {
        f"{TRANSFER}.transaction_amount": "150万元",
        f"{TRANSFER}.contract_date": "2020-11-05",
        f"{TRANSFER}.contract_registration_number": "2141 9001 000001",
    }
    form = read_calculator(typed, TODAY, CATALOG.facts, CATALOG)
    assert form.parsed is not None
    assert form.parsed.claims == {
        TRANSFER: {
            "transaction_amount": Decimal("1500000.00"),
            "contract_date": date(2020, 11, 5),
            "contract_registration_number": "2141 9001 000001",
        }
    }
    assert not form.parsed.empty
    bad = read_calculator(
        {f"{TRANSFER}.contract_registration_number": "12-34"}, TODAY, CATALOG.facts, CATALOG
    )
    assert bad.errors == {
        f"{TRANSFER}.contract_registration_number": [
            "应为登记编号：10 至 32 位字母或数字（空格和连字符可省略）"
        ]
    }


def test_an_empty_form_is_known_as_empty() -> None:
    form = read_calculator({"as_of": "2020-08-01"}, TODAY, CATALOG.facts, CATALOG)
    assert form.parsed is not None and form.parsed.empty
    named = read_calculator({"name": "甲"}, TODAY, CATALOG.facts, CATALOG)
    assert named.parsed is not None and not named.parsed.empty
