"""The form that files a claim: one field per claim fact the policy declares, and for staff the
claim date (an enterprise's claim is dated the day it is filed).

Each field's label and kind come from the policy file. A fact named ``<x>_id_hash`` is asked
for as the ID number ``<x>_id_number``: checked here (GB 11643), hashed by the service, and
never written back into the form, so the clear number appears on no page.

The payee account (收款账户) is asked for after the facts, read by :mod:`matcher.payouts.payee`;
left wholly empty it is ``None``, and the service says whether the claim needs one.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matcher.config import settings
from matcher.enterprises.founders import valid_id_number
from matcher.payouts.founder_keys import ID_HASH_SUFFIX, ID_NUMBER_SUFFIX
from matcher.payouts.payee import Payee, PayeeInvalid, account_number, bank_name, holder_name
from matcher.policies.model import ClaimFact, Policy
from matcher.web.attempt import Refusal
from matcher.web.claim_words import value_words
from matcher.web.fields import NO, YES, FieldInvalid, FieldKind, FieldSpec, parse_date, parse_field

CLAIM_DATE = "claim_date"
_ID_HINT = (
    "18 位居民身份证号码。系统只保存号码的加密哈希，用于核对是否已享受过，号码本身不保存、不显示。"
)
_KINDS = {
    "bool": FieldKind.YES_NO,
    "int": FieldKind.INTEGER,
    "money": FieldKind.MONEY,
    "date": FieldKind.DATE,
    "text": FieldKind.TEXT,
    "enum": FieldKind.CHOICE,
    "registration_number": FieldKind.TEXT,
}
_YES_NO_CHOICES = ((YES, "是"), (NO, "否"))
PAYEE_HOLDER, PAYEE_BANK, PAYEE_ACCOUNT = "payee_holder", "payee_bank", "payee_account"
PAYEE_FIELDS = (
    FieldSpec(PAYEE_HOLDER, "户名", FieldKind.TEXT, hint="收款账户的户名，一般为企业名称"),
    FieldSpec(PAYEE_BANK, "开户行", FieldKind.TEXT, hint="开户银行及网点，如 中国工商银行济源分行"),
    FieldSpec(
        PAYEE_ACCOUNT,
        "账号",
        FieldKind.TEXT,
        hint="8 至 30 位数字，可用空格分组。账号加密保存，页面上只显示前后四位",
    ),
)
_PAYEE_PARTS = {PAYEE_HOLDER: holder_name, PAYEE_BANK: bank_name, PAYEE_ACCOUNT: account_number}


def _id_number_name(fact_name: str) -> str | None:
    """The ID-number field asked for in place of a hashed fact, if ``fact_name`` is one."""
    if not fact_name.endswith(ID_HASH_SUFFIX):
        return None
    return fact_name.removesuffix(ID_HASH_SUFFIX) + ID_NUMBER_SUFFIX


def _fact_field(name: str, fact: ClaimFact) -> FieldSpec:
    id_number = _id_number_name(name) if fact.type == "text" else None
    if id_number is not None:
        return FieldSpec(id_number, fact.label.replace("哈希", ""), FieldKind.TEXT, hint=_ID_HINT)
    kind = _KINDS[fact.type]
    if kind is FieldKind.CHOICE:
        return FieldSpec(name, fact.label, kind, tuple(value_words(fact).items()))
    return FieldSpec(name, fact.label, kind, _YES_NO_CHOICES if kind is FieldKind.YES_NO else ())


def _claim_date_field() -> FieldSpec:
    days = settings().max_backdate_days
    hint = (
        f"默认为今天；可填收件之日，最早 {days} 天前，不能晚于今天。"
        "按这一天有效的政策版本和企业信息审核"
    )
    return FieldSpec(CLAIM_DATE, "申请日期", FieldKind.DATE, hint=hint)


@dataclass(frozen=True, slots=True)
class ClaimInput:
    facts: dict[str, Any]
    claim_date: date | None
    """The date staff gave; ``None``: the day it is filed."""
    payee: Payee | None
    """``None`` when its fields were left empty."""


@dataclass(frozen=True, slots=True)
class ClaimForm:
    """The form as typed (ID numbers left out), its errors by field name, and what it means."""

    fields: tuple[FieldSpec, ...]
    """The claim facts, then (staff) the claim date; the payee account follows them."""
    values: Mapping[str, str]
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    parsed: ClaimInput | None = None
    problem: str | None = None
    """A refusal that concerns no one field (the policy not in force on the claim date, say)."""

    payee_fields: tuple[FieldSpec, ...] = PAYEE_FIELDS

    @property
    def by_name(self) -> dict[str, FieldSpec]:
        """Every field in the order shown: the claim facts, (staff) the claim date, the payee."""
        return {spec.name: spec for spec in (*self.fields, *self.payee_fields)}


def claim_fields(policy: Policy, staff: bool) -> tuple[FieldSpec, ...]:
    facts = tuple(_fact_field(name, fact) for name, fact in policy.claim_facts.items())
    return (*facts, _claim_date_field()) if staff else facts


def empty_claim_form(policy: Policy, today: date, staff: bool) -> ClaimForm:
    values = {CLAIM_DATE: today.isoformat()} if staff else {}
    return ClaimForm(claim_fields(policy, staff), values)


def _value(spec: FieldSpec, text: str) -> Any:
    value = parse_field(spec, text)
    if not spec.name.endswith(ID_NUMBER_SUFFIX) or value is None:
        return value
    number = valid_id_number(value)
    if number is None:
        raise FieldInvalid("身份证号码无效，请核对后重新输入")
    return number


def read_claim_form(policy: Policy, posted: Mapping[str, str], staff: bool) -> ClaimForm:
    """Parse every field and report every problem at once; a fact left empty is left out (the
    service names each fact still missing), and so is a claim date left empty (today)."""
    fields = claim_fields(policy, staff)
    values = {spec.name: posted.get(spec.name, "") for spec in fields}
    errors: dict[str, list[str]] = defaultdict(list)
    facts: dict[str, Any] = {}
    claim_date: date | None = None
    for spec in fields:
        try:
            if spec.name == CLAIM_DATE:
                claim_date = parse_date(values[spec.name])
                continue
            value = _value(spec, values[spec.name])
        except FieldInvalid as error:
            errors[spec.name].append(str(error))
            continue
        if value is not None:
            facts[spec.name] = value
    payee = _payee(posted, errors)
    shown = {name: "" if name.endswith(ID_NUMBER_SUFFIX) else text for name, text in values.items()}
    shown |= {name: posted.get(name, "") for name in _PAYEE_PARTS}
    if errors:
        return ClaimForm(fields, shown, dict(errors))
    return ClaimForm(fields, shown, parsed=ClaimInput(facts, claim_date, payee))


def read_payee(posted: Mapping[str, str]) -> tuple[Payee | None, dict[str, list[str]]]:
    """The account of a form that asks for nothing else, and each part's problem."""
    errors: dict[str, list[str]] = defaultdict(list)
    return _payee(posted, errors), dict(errors)


def _payee(posted: Mapping[str, str], errors: dict[str, list[str]]) -> Payee | None:
    """The account typed, each part's problem beside its field; ``None`` if left empty."""
    typed = {name: posted.get(name, "") for name in _PAYEE_PARTS}
    if not any(text.strip() for text in typed.values()):
        return None
    parts = {}
    for name, parse in _PAYEE_PARTS.items():
        try:
            parts[name] = parse(typed[name])
        except PayeeInvalid as error:
            errors[name].append(error.message)
    if len(parts) < len(_PAYEE_PARTS):
        return None
    return Payee(parts[PAYEE_HOLDER], parts[PAYEE_BANK], parts[PAYEE_ACCOUNT])


def refused(form: ClaimForm, refusal: Refusal) -> ClaimForm:
    """``form`` with the service's refusal: each fact's problem beside its field, a missing
    payee account beside each of its fields."""
    names = form.by_name
    errors: dict[str, list[str]] = defaultdict(list)
    unplaced = not refusal.fields
    for problem in refusal.fields:
        if problem.field == "payee":  # no account given: each of its fields is needed
            for name in _PAYEE_PARTS:
                errors[name].append("必填")
            continue
        fact = problem.field.removeprefix("facts.")
        name = _id_number_name(fact) or fact
        if name in names:
            errors[name].append(problem.message)
        else:
            unplaced = True
    return ClaimForm(
        form.fields, form.values, dict(errors), problem=refusal.message if unplaced else None
    )
