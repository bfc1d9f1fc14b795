"""The entitlement list: what one enterprise may get on one date, and why.

These dataclasses are the stable JSON shape of ``matcher match --json`` and of the API
(see the README); field names are part of the contract. They are plain (not frozen)
dataclasses because building them is on the hot path of every evaluation.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

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
    article: int
    clause: str


@dataclass(slots=True)
class HowToApply:
    where: str
    materials: tuple[str, ...]


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
class EntitlementList:
    as_of: date
    enterprise: EnterpriseRef
    derived: DerivedFacts
    entitlements: tuple[Entitlement, ...]
