"""What a sandbox run found: the stable shape of ``matcher sandbox run --json`` and of the page.

Field names are part of the contract; amounts are yuan, exact to the fen.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from matcher.serialization import to_json_value


class Verdict(StrEnum):
    """An enterprise's verdict under one version; ``waiting`` is not eligible yet, but time
    alone makes it eligible on a known date."""

    ELIGIBLE = "eligible"
    UNDETERMINED = "undetermined"
    WAITING = "waiting"
    NOT_ELIGIBLE = "not_eligible"


VERDICT_LABELS = {
    Verdict.ELIGIBLE: "符合条件",
    Verdict.UNDETERMINED: "待确认",
    Verdict.WAITING: "到期可申请",
    Verdict.NOT_ELIGIBLE: "不符合",
}


@dataclass(frozen=True, slots=True)
class Figures:
    """How many enterprises get each verdict, and the money at stake."""

    eligible: int
    undetermined: int
    waiting: int
    not_eligible: int
    eligible_amount: Decimal
    """What the eligible enterprises are owed together (those whose amount is known)."""
    undetermined_amount: Decimal
    """What the undetermined would add if every one proved eligible."""
    amount_unknown: int
    """Eligible enterprises whose amount cannot be computed from their facts."""


@dataclass(frozen=True, slots=True)
class Group:
    """The figures of the enterprises sharing one value of a fact (``None``: not on record)."""

    value: str | None
    figures: Figures


@dataclass(frozen=True, slots=True)
class BudgetUse:
    """The eligible amount against the budget of the year of the date (``year``), or against
    the policy's total budget (``year`` is ``None``)."""

    year: int | None
    budget: Decimal
    used: Decimal

    @property
    def share(self) -> Decimal:
        return self.used / self.budget


@dataclass(frozen=True, slots=True)
class Change:
    """One enterprise the draft treats differently from the current version. ``delta`` is the
    change of its amount at stake: the amount when eligible or undetermined, else nothing."""

    uscc: str
    name: str
    old_verdict: Verdict
    old_amount: Decimal | None
    new_verdict: Verdict
    new_amount: Decimal | None
    delta: Decimal


@dataclass(frozen=True, slots=True)
class Comparison:
    """The draft against the current version of the same policy, on the same date."""

    current_version: str
    current: Figures
    gaining: int
    losing: int
    unchanged: int
    gained: Decimal
    """The gainers' deltas together (zero or more)."""
    lost: Decimal
    """The losers' deltas together (zero or less)."""
    gainers: tuple[Change, ...]
    """The largest gains first, at most the run's ``top``."""
    losers: tuple[Change, ...]

    @property
    def delta(self) -> Decimal:
        return self.gained + self.lost


@dataclass(frozen=True, slots=True)
class SandboxReport:
    policy_id: str
    title: str
    version: str
    as_of: date
    in_force: bool
    """Whether the draft's effective period covers ``as_of``."""
    enterprises: int
    figures: Figures
    by_cluster: tuple[Group, ...]
    by_size: tuple[Group, ...]
    budget: BudgetUse | None
    comparison: Comparison | None
    """``None`` for a policy the catalog does not hold yet."""
    seconds: float

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_json_value(asdict(self))
        if self.budget is not None:
            data["budget"]["share"] = str(round(self.budget.share, 4))
        if self.comparison is not None:
            data["comparison"]["delta"] = str(self.comparison.delta)
        return data
