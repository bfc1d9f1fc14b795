"""The entitlement list: what one enterprise may get on one date, and why.

These dataclasses are the stable JSON shape of ``matcher match --json`` and of the API
(see the README); field names are part of the contract. They are plain (not frozen)
dataclasses because building them is on the hot path of every evaluation.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from matcher.policies.parameters import ParameterReading
from matcher.rules.ast import Value
from matcher.tagging.suggestions import IndustrySuggestions


class Status(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


STATUS_LABELS = {
    Status.ELIGIBLE: "符合条件",
    Status.NOT_ELIGIBLE: "不符合条件",
    Status.UNDETERMINED: "待确认",
}

OUTCOME_LABELS = {Outcome.PASS: "满足", Outcome.FAIL: "不满足", Outcome.UNKNOWN: "待确认"}


@dataclass(slots=True)
class MissingFact:
    """A fact that would decide an undetermined criterion or amount."""

    fact: str
    label: str
    suggestion: str | None = None
    """A machine suggestion for the fact (the industry, inferred from the business scope).
    Only a suggestion: the criterion stays undetermined until the fact is supplied."""


@dataclass(slots=True)
class CriterionResult:
    id: str
    label: str
    result: Outcome
    values: dict[str, Value]
    expression: str
    clause: str
    satisfied_on: date | None
    """For a failed criterion that time alone will satisfy: the first day it holds."""


@dataclass(slots=True)
class SourceRef:
    document: str
    article: int | None
    clause: str
    title: str | None = None


@dataclass(slots=True)
class MaterialRef:
    """One application material and the text that requires it (or the reading we took)."""

    item: str
    source: str | None
    assumption: str | None


@dataclass(slots=True)
class OfficeRef:
    name: str
    address: str | None
    phone: str | None
    source: str | None
    assumption: str | None


@dataclass(slots=True)
class HowToApply:
    """The 申兑指南 of a policy."""

    beneficiaries: str
    where: OfficeRef
    open_from: date | None
    open_until: date | None
    materials: tuple[MaterialRef, ...]
    how: str | None


@dataclass(slots=True)
class Period:
    start: date
    until: date | None


@dataclass(slots=True)
class Entitlement:
    policy_id: str
    title: str
    summary: str
    version: str
    status: Status
    benefit_kind: str
    benefit: str
    amount: Decimal | None
    working_days: int | None
    eligible_from: date | None
    missing_facts: tuple[MissingFact, ...]
    criteria: tuple[CriterionResult, ...]
    source: SourceRef
    units: tuple[str, ...]
    apply: HowToApply
    sources: tuple[SourceRef, ...] = ()
    """The other documents that set the conditions and amounts, after the local article."""
    effective: Period | None = None
    parameters: tuple[ParameterReading, ...] = ()
    """The dated parameters as they apply here, each with its clause."""
    excludes: tuple[str, ...] = ()
    """Policies that cannot be combined with this one: the enterprise chooses."""
    preferred: bool | None = None
    """Among eligible benefits that exclude each other, whether this is the better one."""


@dataclass(slots=True)
class DerivedFacts:
    """The facts the reference standards derive, each with the reasoning behind it."""

    size_category: str | None
    size_class: str | None
    size_basis: str
    small_low_profit: bool | None
    small_low_profit_tax_year: int | None
    small_low_profit_standard_tax: Decimal | None
    small_low_profit_tax: Decimal | None
    small_low_profit_saving: Decimal | None
    small_low_profit_basis: str
    industry_suggestion: IndustrySuggestions | None = None
    """Inferred from the business scope when the industry code is missing; never used by rules."""


@dataclass(slots=True)
class EnterpriseRef:
    uscc: str | None
    name: str | None


@dataclass(slots=True)
class EndedPolicy:
    """A policy no longer in force on the evaluation date: shown as ended, never available."""

    policy_id: str
    title: str
    ended_on: date
    replaced_by: str | None


@dataclass(slots=True)
class EntitlementList:
    as_of: date
    enterprise: EnterpriseRef
    derived: DerivedFacts
    entitlements: tuple[Entitlement, ...]
    ended: tuple[EndedPolicy, ...] = ()
