"""The 政策计算器 form: profile fields grouped as a person fills them in, read into a profile.

Each field's label and kind come from :class:`EnterpriseProfile` (its title and type), so the
form follows the profile model; only the grouping, the hints and the one question standing for
the founders (how many, whether first-time: no ID number) are written here. The facts the
catalog declares follow in a group of their own, read off their declarations
(:mod:`matcher.web.declared_fields`), then each policy's claim facts (a contract's amount), read
off the policy file as the claim form reads them (:mod:`matcher.web.claim_form`).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal, get_args, get_origin

from matcher.eligibility.ask_first import FactToAsk
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.profiles.declared import NO_DECLARED_FACTS, DeclaredFacts
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.labels import VALUE_LABELS
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.profiles.schema import rule_type
from matcher.rules import types as rt
from matcher.rules.ast import Value
from matcher.web.claim_form import claim_fields
from matcher.web.declared_fields import declared_fields, form_field_of, read_fields
from matcher.web.fields import YES_NO_CHOICES, FieldInvalid, FieldKind, FieldSpec, parse_date

FOUNDER_COUNT = "founder_count"
FOUNDER_FIRST_TIME = "founder_first_time"
MAX_FOUNDERS = 100
CLAIM_SEPARATOR = "."
"""A claim fact's field is ``<policy id>.<fact>``: a policy id has no dot."""

_LAYOUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "基本信息",
        (
            "name",
            "uscc",
            "entity_type",
            "registered_on",
            "district",
            "registration_area",
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
            "average_employees",
            "average_total_assets",
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
    ("创业", ("in_incubation_base", FOUNDER_COUNT, FOUNDER_FIRST_TIME)),
)

_HINTS = {
    "uscc": "18 位统一社会信用代码",
    "registration_area": "登记机关所在地的 6 位行政区划代码，济源为 419001；不填则相关条件待确认",
    "registered_on": "营业执照上的成立日期",
    "industry_code": "GB/T 4754-2017 行业代码，如 C3252",
    "employees": "期末从业人员数（中小企业划型口径）",
    "average_employees": "小型微利企业口径：全年各季度平均值之和÷4，可为小数",
    "average_total_assets": "单位：元；小型微利企业口径：全年各季度平均值之和÷4",
    "operating_revenue": "单位：元",
    "total_assets": "单位：元",
    "fiscal_year": "营业收入、应纳税所得额等财务数据所属年度，如 2020",
    "annual_taxable_income": "单位：元；亏损填负数",
    "rnd_expenses": "单位：元",
    "bank_credit_total": "单位：元",
    "export_rebate_class": "填 1 至 4，即一类至四类",
}
_LONG_TEXT = frozenset({"business_scope"})
_NOT_MONEY = frozenset({"average_employees"})
"""Decimal profile fields that count people, not yuan (no 万元)."""
_KINDS = {
    rt.Kind.BOOL: FieldKind.YES_NO,
    rt.Kind.INT: FieldKind.INTEGER,
    rt.Kind.DECIMAL: FieldKind.MONEY,
    rt.Kind.DATE: FieldKind.DATE,
}

AS_OF_FIELD = FieldSpec(
    "as_of", "评估日期", FieldKind.DATE, hint="按这一天有效的政策和条件判断；不填为今天"
)
_FOUNDER_FIELDS = {
    FOUNDER_COUNT: FieldSpec(
        FOUNDER_COUNT,
        "创业者人数",
        FieldKind.INTEGER,
        hint="创办企业的创业者人数；不需要填写身份证号码",
    ),
    FOUNDER_FIRST_TIME: FieldSpec(
        FOUNDER_FIRST_TIME,
        "创业者为首次创业",
        FieldKind.YES_NO,
        YES_NO_CHOICES,
        "创业者首次创办企业或从事个体经营",
    ),
}


def _literal_values(annotation: Any) -> tuple[str, ...]:
    """The values of the ``Literal`` inside ``annotation``, in the order the model gives."""
    for member in get_args(annotation):
        if get_origin(member) is Literal:
            return tuple(str(value) for value in get_args(member))
    return ()


def profile_field(name: str) -> FieldSpec:
    info = EnterpriseProfile.model_fields[name]
    fact_type = rule_type(info.annotation)
    if fact_type is None:
        raise ValueError(f"profile field {name} is not a scalar fact")
    label, hint = info.title or name, _HINTS.get(name, "")
    if fact_type.kind is rt.Kind.TEXT and fact_type.values:
        words = VALUE_LABELS.get(f"enterprise.{name}", {})
        choices = tuple((v, words.get(v, v)) for v in _literal_values(info.annotation))
        return FieldSpec(name, label, FieldKind.CHOICE, choices, hint)
    if fact_type.kind is rt.Kind.TEXT:
        kind = FieldKind.LONG_TEXT if name in _LONG_TEXT else FieldKind.TEXT
        return FieldSpec(name, label, kind, hint=hint)
    kind = FieldKind.DECIMAL if name in _NOT_MONEY else _KINDS[fact_type.kind]
    return FieldSpec(name, label, kind, YES_NO_CHOICES if kind is FieldKind.YES_NO else (), hint)


@dataclass(frozen=True, slots=True)
class FieldGroup:
    legend: str
    fields: tuple[FieldSpec, ...]


GROUPS = tuple(
    FieldGroup(
        legend,
        tuple(_FOUNDER_FIELDS.get(n) or profile_field(n) for n in names),
    )
    for legend, names in _LAYOUT
)
PROFILE_FIELDS = tuple(spec for group in GROUPS for spec in group.fields)
FIELDS = {spec.name: spec for spec in (*PROFILE_FIELDS, AS_OF_FIELD)}
DECLARED_LEGEND = "其他信息"


def claim_specs(policy: CompiledPolicy) -> tuple[FieldSpec, ...]:
    """The policy's claim facts as calculator fields, ``<policy id>.<fact>``; not a founder's
    ID number, which the anonymous calculator never asks for."""
    facts = policy.policy.claim_facts
    return tuple(
        FieldSpec(f"{policy.id}{CLAIM_SEPARATOR}{spec.name}", spec.label, spec.kind, spec.choices)
        for spec in claim_fields(policy.policy, staff=False)
        if spec.name in facts
    )


def claim_groups(policies: Iterable[CompiledPolicy]) -> tuple[FieldGroup, ...]:
    """A group per policy that declares claim facts the calculator may ask for."""
    groups = (FieldGroup(f"申请事项：{p.policy.title}", claim_specs(p)) for p in policies)
    return tuple(group for group in groups if group.fields)


def calculator_groups(
    declared: DeclaredFacts, policies: Iterable[CompiledPolicy] = ()
) -> tuple[FieldGroup, ...]:
    """The profile's groups, the catalog's declared facts (if it declares any), then the claim
    facts of ``policies``."""
    declared_group = (FieldGroup(DECLARED_LEGEND, declared_fields(declared)),) if declared else ()
    return (*GROUPS, *declared_group, *claim_groups(policies))


@dataclass(frozen=True, slots=True)
class CalculatorInput:
    profile: EnterpriseProfile
    as_of: date
    claims: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)
    """Claim facts by policy id, as typed (only the policies given any)."""

    @property
    def empty(self) -> bool:
        """Nothing typed: no fact of the enterprise and no claim fact."""
        return self.profile == EnterpriseProfile() and not self.claims


@dataclass(frozen=True, slots=True)
class CalculatorForm:
    """The form as typed, its errors by field name, and what it means when there are none."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    parsed: CalculatorInput | None = None
    groups: tuple[FieldGroup, ...] = GROUPS
    """The layout, for the template: :func:`calculator_groups` of the catalog."""

    as_of_field: ClassVar[FieldSpec] = AS_OF_FIELD

    @property
    def fields(self) -> Mapping[str, FieldSpec]:
        """Every field by name, for the summary of errors."""
        specs = (spec for group in self.groups for spec in group.fields)
        return {spec.name: spec for spec in (*specs, AS_OF_FIELD)}


def _founders(data: dict[str, Any], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The founders the two questions describe: as many as counted (one when only the first
    question is answered), each first-time or not as answered."""
    count, first_time = data.pop(FOUNDER_COUNT, None), data.pop(FOUNDER_FIRST_TIME, None)
    if count is not None and not 0 <= count <= MAX_FOUNDERS:
        errors[FOUNDER_COUNT].append(f"应为 0 至 {MAX_FOUNDERS} 的整数")
        return []
    if count == 0 and first_time is not None:
        errors[FOUNDER_FIRST_TIME].append("创业者人数为 0 时无需回答")
        return []
    if count is None:
        count = 0 if first_time is None else 1
    return [{"first_time_founder": first_time}] * count


def _profile_data(
    values: Mapping[str, str], errors: dict[str, list[str]], declared: DeclaredFacts
) -> dict[str, Any]:
    data: dict[str, Any] = dict(read_fields(PROFILE_FIELDS, values, errors))
    data["founders"] = _founders(data, errors)
    data["facts"] = read_fields(declared_fields(declared), values, errors)
    return data


def _claims(
    values: Mapping[str, str], errors: dict[str, list[str]], policies: Iterable[CompiledPolicy]
) -> dict[str, dict[str, Value]]:
    """Each policy's claim facts as typed and checked against its file; only those given."""
    claims = {}
    for policy in policies:
        prefix = policy.id + CLAIM_SEPARATOR
        typed = read_fields(claim_specs(policy), values, errors)
        facts = {name.removeprefix(prefix): value for name, value in typed.items()}
        if not facts:
            continue
        try:
            parse_claim(policy.claim_model, facts)
        except ProfileError as error:
            for problem in error.errors:
                errors[prefix + problem.field].append(problem.message)
        claims[policy.id] = facts
    return claims


def _form_field(error: FieldError) -> str:
    """The form field behind a profile error (``founders.0.…``, ``facts.<name>``)."""
    name = form_field_of(error)
    return FOUNDER_FIRST_TIME if name == "founders" else name


def form_field_of_fact(path: str) -> str:
    """The form field that answers fact ``path`` (``enterprise.<name>``)."""
    name = path.removeprefix("enterprise.")
    return FOUNDER_FIRST_TIME if name == "founders" else name


@dataclass(frozen=True, slots=True)
class Question:
    """A fact to fill in first, with the field that answers it (``None``: not on the form)."""

    field: str | None
    label: str
    policies: int


def questions(asked: Iterable[FactToAsk], form: CalculatorForm) -> tuple[Question, ...]:
    """The facts to ask first (:mod:`matcher.eligibility.ask_first`), pointing at their fields."""
    shown = form.fields
    return tuple(
        Question(name if name in shown else None, fact.label, fact.policies)
        for fact in asked
        for name in (form_field_of_fact(fact.fact),)
    )


def read_calculator(
    form: Mapping[str, str],
    today: date,
    declared: DeclaredFacts = NO_DECLARED_FACTS,
    policies: Iterable[CompiledPolicy] = (),
) -> CalculatorForm:
    """Parse every field, then the profile as a whole with the catalog's ``declared`` facts
    and the claim facts of ``policies``; report every problem at once."""
    policies = tuple(policies)
    groups = calculator_groups(declared, policies)
    names = [spec.name for group in groups for spec in group.fields] + [AS_OF_FIELD.name]
    values = {name: form.get(name, "") for name in names}
    errors: dict[str, list[str]] = defaultdict(list)
    data = _profile_data(values, errors, declared)
    claims = _claims(values, errors, policies)
    as_of: date | None = None
    try:
        as_of = parse_date(values[AS_OF_FIELD.name]) or today
    except FieldInvalid as error:
        errors[AS_OF_FIELD.name].append(str(error))
    profile: EnterpriseProfile | None = None
    try:
        profile = parse_profile(data, declared)
    except ProfileError as error:
        for problem in error.errors:
            errors[_form_field(problem)].append(problem.message)
    if errors or profile is None or as_of is None:
        return CalculatorForm(values, dict(errors), groups=groups)
    return CalculatorForm(values, {}, CalculatorInput(profile, as_of, claims), groups)
