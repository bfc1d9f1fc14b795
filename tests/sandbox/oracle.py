"""The sandbox's figures computed independently: each enterprise judged by the evaluator in
Python (not SQL), tallied and compared with plain loops."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from matcher.eligibility.evaluate import evaluate_policy
from matcher.eligibility.results import Status
from matcher.policies.compile import CompiledPolicy
from matcher.profiles.facts import enterprise_facts
from matcher.profiles.model import EnterpriseProfile
from matcher.sandbox.report import Figures, Verdict

RANKS = {Verdict.ELIGIBLE: 2, Verdict.UNDETERMINED: 1, Verdict.WAITING: 0, Verdict.NOT_ELIGIBLE: 0}


@dataclass(frozen=True)
class Judged:
    uscc: str
    cluster: str | None
    size: str | None
    verdict: Verdict
    amount: Decimal | None

    @property
    def stake(self) -> Decimal:
        if RANKS[self.verdict] == 0 or self.amount is None:
            return Decimal(0)
        return self.amount


def judge(policy: CompiledPolicy, profiles: list[EnterpriseProfile], as_of: object) -> list[Judged]:
    judged = []
    for profile in profiles:
        facts, derivation = enterprise_facts(profile)
        facts["as_of"] = as_of  # type: ignore[assignment]
        found = evaluate_policy(policy, facts, derivation)
        if found.status is Status.NOT_ELIGIBLE:
            verdict = Verdict.WAITING if found.eligible_from else Verdict.NOT_ELIGIBLE
        else:
            verdict = Verdict(found.status.value)
        size = facts.get("enterprise.size_class")
        assert profile.uscc is not None
        judged.append(
            Judged(
                profile.uscc,
                profile.industry_cluster,
                size if isinstance(size, str) else None,
                verdict,
                found.amount,
            )
        )
    return judged


def figures(judged: list[Judged]) -> Figures:
    count: dict[Verdict, int] = defaultdict(int)
    for one in judged:
        count[one.verdict] += 1
    eligible = [j for j in judged if j.verdict is Verdict.ELIGIBLE]
    undetermined = [j for j in judged if j.verdict is Verdict.UNDETERMINED]
    return Figures(
        eligible=count[Verdict.ELIGIBLE],
        undetermined=count[Verdict.UNDETERMINED],
        waiting=count[Verdict.WAITING],
        not_eligible=count[Verdict.NOT_ELIGIBLE],
        eligible_amount=sum((j.amount or Decimal(0) for j in eligible), Decimal("0.00")),
        undetermined_amount=sum((j.amount or Decimal(0) for j in undetermined), Decimal("0.00")),
        amount_unknown=sum(1 for j in eligible if j.amount is None),
    )


def direction(old: Judged, new: Judged) -> int:
    if RANKS[new.verdict] != RANKS[old.verdict]:
        return 1 if RANKS[new.verdict] > RANKS[old.verdict] else -1
    delta = new.stake - old.stake
    return (delta > 0) - (delta < 0)
