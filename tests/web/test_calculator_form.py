from datetime import date

from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.schema import rule_type
from matcher.web.calculator_form import FIELDS, GROUPS, read_calculator
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
