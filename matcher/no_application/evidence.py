"""Why an enterprise is paid without an application: each criterion with the facts it read,
their values and where each value came from, and whether every one came from an authority.

The window's own rule, not a policy's: only a fact whose record came from an authority's data
(``registration``, ``tax``) counts. A fact the enterprise declared, staff confirmed or edited,
or the system inferred may be right, but nobody answerable for it stands behind it; such an
enterprise is never paid automatically and claims the ordinary way.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from matcher import clock
from matcher.eligibility.evaluate import evaluate_one
from matcher.eligibility.results import Status
from matcher.enterprises.repository import EnterpriseRepository, profile_recorded
from matcher.enterprises.tables import FACT_SOURCE_LABELS, RecordedFact
from matcher.policies.compile import CompiledPolicy
from matcher.profiles.authorities import PROFILE_AUTHORITIES, recorded_inputs
from matcher.profiles.declared import FACTS_PREFIX
from matcher.serialization import to_json_value

AUTHORITATIVE_SOURCES = ("registration", "tax")
"""The provenances a 免申即享 payment may rest on (the window's rule, above)."""


@dataclass(frozen=True, slots=True)
class Assessment:
    """An eligible enterprise as a payable list shows it."""

    amount: Decimal | None
    evidence: dict[str, Any]
    excluded_reason: str | None


def recorded_behind(path: str) -> tuple[tuple[str, str], ...]:
    """The recorded facts behind rule path ``path``: each as the rules name it and as the fact
    history does (``fact_records.field``); none for what is not an enterprise's fact."""
    if not path.startswith("enterprise."):
        return ()
    return tuple(
        (f"enterprise.{name}", name if name in PROFILE_AUTHORITIES else FACTS_PREFIX + name)
        for name in recorded_inputs(path.removeprefix("enterprise."))
    )


def _latest(records: Iterable[RecordedFact]) -> dict[str, RecordedFact]:
    """The last record of each fact among ``records`` (oldest first)."""
    return {record.field: record for record in records}


def _fact(record: RecordedFact, label: str) -> dict[str, Any]:
    return {
        "field": record.field,
        "label": label,
        "value": record.value,
        "source": record.source,
        "source_label": FACT_SOURCE_LABELS.get(record.source, record.source),
        "recorded_at": record.recorded_at.isoformat(),
    }


def assess_on_record(
    session: Session, policy: CompiledPolicy, uscc: str, day: date
) -> Assessment | None:
    """``uscc`` judged under ``policy`` on ``day``, with the facts recorded by then; ``None``
    unless eligible."""
    enterprises = EnterpriseRepository(session)
    row = enterprises.row(uscc)
    if row is None:
        return None
    records = enterprises.records_of(row["id"], clock.end_of_day(day))
    return assess(policy, row["uscc"], row["name"], records, day)


def assess(
    policy: CompiledPolicy, uscc: str, name: str, records: Sequence[RecordedFact], day: date
) -> Assessment | None:
    """The enterprise ``uscc`` (named ``name``) judged under ``policy`` on ``day`` on the fact
    ``records`` made before that day ended, oldest first; ``None`` unless eligible."""
    profile = profile_recorded(uscc, name, records, policy.declared)
    entitlement = evaluate_one(policy, profile, day)
    if entitlement.status is not Status.ELIGIBLE or entitlement.amount is None:
        return None
    latest = _latest(records)
    used: dict[str, tuple[RecordedFact, str]] = {}

    def facts_of(paths: Iterable[str]) -> list[dict[str, Any]]:
        """The evidence of ``paths``: each recorded fact behind them (noted in ``used``)."""
        found = []
        for rule_path, field in (pair for path in paths for pair in recorded_behind(path)):
            if (record := latest.get(field)) is not None:
                spec = policy.schema.get(rule_path)
                used[field] = record, spec.label if spec is not None else field
                found.append(_fact(record, used[field][1]))
        return found

    criteria = [
        {
            "id": criterion.id,
            "label": criterion.label,
            "clause": criterion.clause,
            "expression": criterion.expression,
            "values": to_json_value(criterion.values),
            "facts": facts_of(criterion.values),
        }
        for criterion in entitlement.criteria
    ]
    amount_paths = policy.amount.fields if policy.amount is not None else ()
    evidence = {
        "as_of": day.isoformat(),
        "criteria": criteria,
        "amount": {
            "value": str(entitlement.amount),
            "expression": policy.policy.benefit.amount,
            "facts": facts_of(amount_paths),
        },
    }
    return Assessment(entitlement.amount, evidence, _not_authoritative(used))


def _not_authoritative(used: dict[str, tuple[RecordedFact, str]]) -> str | None:
    """Why the facts ``used`` (each with its label) cannot carry a payment without an
    application, if they cannot."""
    others = [(r, label) for r, label in used.values() if r.source not in AUTHORITATIVE_SOURCES]
    if not others:
        return None
    named = "、".join(
        f"{label}（{FACT_SOURCE_LABELS.get(record.source, record.source)}，"
        f"{record.recorded_at.astimezone(clock.CHINA).date()} 记录）"
        for record, label in others
    )
    return f"所依据的信息并非全部来自权威部门：{named}；不予免申即享，请按普通申请办理"
