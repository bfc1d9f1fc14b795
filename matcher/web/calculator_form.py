"""The 政策计算器 form: profile fields grouped as a person fills them in, read into a profile.

Each field's label and kind come from :class:`EnterpriseProfile` (its title and type), so the
form follows the profile model; only the grouping, the hints and the one question standing for
the founders (首次创业) are written here.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal, get_args, get_origin

from matcher.profiles.errors import ProfileError
from matcher.profiles.labels import VALUE_LABELS
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.profiles.schema import rule_type
from matcher.rules import types as rt
from matcher.web.fields import NO, YES, FieldInvalid, FieldSpec, Kind, parse_date, parse_field

FOUNDER_FIRST_TIME = "founder_first_time"

_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "基本信息",
        (
            "name",
            "uscc",
            "entity_type",
            "registered_on",
            "district",
            "operating_status",
            "has_operated",
            "debts_settled",
        ),
    ),
    (
        "行业与规模",
        (
            "industry_code",
            "industry_cluster",
            "business_scope",
            "in_provincial_industrial_park",
            "employees",
            "new_hires",
            "operating_revenue",
            "total_assets",
        ),
    ),
    (
        "财务与纳税",
        (
            "fiscal_year",
            "annual_taxable_income",
            "restricted_industry",
            "tax_credit_rating",
            "rnd_expenses",
        ),
    ),
    (
        "资质、信用与融资",
        (
            "high_tech_certified",
            "tech_sme_registered",
            "credit_list",
            "construction_qualified",
            "patents",
            "invention_patents",
            "bank_credit_total",
        ),
    ),
    ("出口", ("exporter", "export_rebate_class")),
    ("创业", ("in_incubation_base", FOUNDER_FIRST_TIME)),
)

_HINTS = {
    "uscc": "18 位；用于判断是否在济源登记，不填则相关条件待确认",
    "registered_on": "营业执照上的成立日期",
    "industry_code": "GB/T 4754-2017 行业代码，如 C3252",
    "employees": "期末从业人员数",
    "operating_revenue": "单位：元",
    "total_assets": "单位：元",
    "fiscal_year": "营业收入、应纳税所得额等财务数据所属年度，如 2020",
    "annual_taxable_income": "单位：元；亏损填负数",
    "rnd_expenses": "单位：元",
    "bank_credit_total": "单位：元",
    "export_rebate_class": "填 1 至 4，即一类至四类",
}
_LONG_TEXT = frozenset({"business_scope"})
_KINDS = {
    rt.Kind.BOOL: Kind.YES_NO,
    rt.Kind.INT: Kind.INTEGER,
    rt.Kind.DECIMAL: Kind.MONEY,
    rt.Kind.DATE: Kind.DATE,
}
_YES_NO_CHOICES = ((YES, "是"), (NO, "否"))

AS_OF_FIELD = FieldSpec(
    "as_of", "评估日期", Kind.DATE, hint="按这一天有效的政策和条件判断；不填为今天"
)
_FOUNDER_FIELD = FieldSpec(
    FOUNDER_FIRST_TIME,
    "创业者为首次创业",
    Kind.YES_NO,
    _YES_NO_CHOICES,
    "创业者首次创办企业或从事个体经营",
)


def _literal_values(annotation: Any) -> tuple[str, ...]:
    """The values of the ``Literal`` inside ``annotation``, in the order the model gives."""
    for member in get_args(annotation):
        if get_origin(member) is Literal:
            return tuple(str(value) for value in get_args(member))
    return ()


def _profile_field(name: str) -> FieldSpec:
    info = EnterpriseProfile.model_fields[name]
    fact_type = rule_type(info.annotation)
    if fact_type is None:
        raise ValueError(f"profile field {name} is not a scalar fact")
    label, hint = info.title or name, _HINTS.get(name, "")
    if fact_type.kind is rt.Kind.TEXT and fact_type.values:
        words = VALUE_LABELS.get(f"enterprise.{name}", {})
        choices = tuple((v, words.get(v, v)) for v in _literal_values(info.annotation))
        return FieldSpec(name, label, Kind.CHOICE, choices, hint)
    if fact_type.kind is rt.Kind.TEXT:
        kind = Kind.LONG_TEXT if name in _LONG_TEXT else Kind.TEXT
        return FieldSpec(name, label, kind, hint=hint)
    kind = _KINDS[fact_type.kind]
    return FieldSpec(name, label, kind, _YES_NO_CHOICES if kind is Kind.YES_NO else (), hint)


@dataclass(frozen=True, slots=True)
class FieldGroup:
    legend: str
    fields: tuple[FieldSpec, ...]


GROUPS = tuple(
    FieldGroup(
        legend,
        tuple(_FOUNDER_FIELD if n == FOUNDER_FIRST_TIME else _profile_field(n) for n in names),
    )
    for legend, names in _LAYOUT
)
PROFILE_FIELDS = tuple(spec for group in GROUPS for spec in group.fields)
FIELDS = {spec.name: spec for spec in (*PROFILE_FIELDS, AS_OF_FIELD)}


@dataclass(frozen=True, slots=True)
class CalculatorInput:
    profile: EnterpriseProfile
    as_of: date


@dataclass(frozen=True, slots=True)
class CalculatorForm:
    """The form as typed, its errors by field name, and what it means when there are none."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    parsed: CalculatorInput | None = None

    # The layout, for the template.
    groups: ClassVar[tuple[FieldGroup, ...]] = GROUPS
    as_of_field: ClassVar[FieldSpec] = AS_OF_FIELD
    fields: ClassVar[Mapping[str, FieldSpec]] = FIELDS


def _profile_data(values: Mapping[str, str], errors: dict[str, list[str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for spec in PROFILE_FIELDS:
        try:
            value = parse_field(spec, values[spec.name])
        except FieldInvalid as error:
            errors[spec.name].append(str(error))
            continue
        if value is None:
            continue
        if spec.name == FOUNDER_FIRST_TIME:
            data["founders"] = [{"first_time_founder": value}]
        else:
            data[spec.name] = value
    return data


def _form_field(profile_path: str) -> str:
    """The form field behind an error on profile field ``profile_path`` (``founders.0.…``)."""
    name = profile_path.split(".")[0]
    return FOUNDER_FIRST_TIME if name == "founders" else name


def read_calculator(form: Mapping[str, str], today: date) -> CalculatorForm:
    """Parse every field, then the profile as a whole; report every problem at once."""
    values = {name: form.get(name, "") for name in FIELDS}
    errors: dict[str, list[str]] = defaultdict(list)
    data = _profile_data(values, errors)
    as_of: date | None = None
    try:
        as_of = parse_date(values[AS_OF_FIELD.name]) or today
    except FieldInvalid as error:
        errors[AS_OF_FIELD.name].append(str(error))
    profile: EnterpriseProfile | None = None
    try:
        profile = parse_profile(data)
    except ProfileError as error:
        for problem in error.errors:
            errors[_form_field(problem.field)].append(problem.message)
    if errors or profile is None or as_of is None:
        return CalculatorForm(values, dict(errors))
    return CalculatorForm(values, {}, CalculatorInput(profile, as_of))
