"""Which unknown facts to ask for first: those the most open verdicts wait on.

An empty calculator form leaves every policy 待确认; rather than fourteen lists of questions, a
person is shown the few facts that bear on the most policies. Counted from the evaluation
itself (each entitlement's ``missing_facts``, read off its criteria and amount), so the ranking
follows the catalog and narrows as facts are filled in. Claim facts (a contract's amount) belong
to one application each and are asked where the policy is shown, not here.
"""

from collections import Counter
from dataclasses import dataclass, fields

from matcher.eligibility.results import Entitlement, EntitlementList, Status

ASK_FIRST = 8
"""How many facts the guidance names: enough to decide most policies, few enough to read."""


@dataclass(slots=True)
class FactToAsk:
    fact: str
    label: str
    policies: int
    """How many policies' verdict or amount waits on this fact."""


@dataclass(slots=True)
class CalculatorResult(EntitlementList):
    """The entitlement list with the facts to ask for first (an additive field of the API)."""

    ask_first: tuple[FactToAsk, ...] = ()


def _open(entitlement: Entitlement) -> bool:
    """Whether a fact may still change what the enterprise gets from ``entitlement``."""
    return entitlement.status is not Status.NOT_ELIGIBLE or entitlement.eligible_from is not None


def ask_first(result: EntitlementList, limit: int = ASK_FIRST) -> tuple[FactToAsk, ...]:
    """The unknown enterprise facts named by the most open entitlements, most first; ties in
    the order the catalog first names them."""
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for entitlement in filter(_open, result.entitlements):
        for missing in entitlement.missing_facts:
            if missing.fact.startswith("enterprise."):
                counts[missing.fact] += 1
                labels.setdefault(missing.fact, missing.label)
    ranked = sorted(counts, key=lambda fact: -counts[fact])  # stable: first named first
    return tuple(FactToAsk(fact, labels[fact], counts[fact]) for fact in ranked[:limit])


def with_guidance(result: EntitlementList) -> CalculatorResult:
    """``result`` with :func:`ask_first` beside it."""
    copied = {field.name: getattr(result, field.name) for field in fields(result)}
    return CalculatorResult(**copied, ask_first=ask_first(result))
