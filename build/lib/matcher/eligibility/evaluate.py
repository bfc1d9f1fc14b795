"""``evaluate(profile, as_of)``: the entitlement list of one enterprise on one date."""

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from matcher.eligibility.guide import static_parts
from matcher.eligibility.results import (
    CriterionResult,
    DerivedFacts,
    EndedPolicy,
    EnterpriseRef,
    Entitlement,
    EntitlementList,
    MissingFact,
    Outcome,
    Status,
)
from matcher.policies.catalog import Catalog, default_catalog
from matcher.policies.claims import parse_claim
from matcher.policies.compile import CompiledPolicy
from matcher.policies.parameters import TAX_YEAR_FACT, ParameterReading, readings
from matcher.profiles.derived import Derivation, suggested_registration_area, underlying_missing
from matcher.profiles.facts import enterprise_facts
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.schema import fact_label
from matcher.rules import Expression, Schema
from matcher.rules.ast import Value
from matcher.rules.timing import date_satisfied
from matcher.tagging import IndustrySuggestions
from matcher.tagging import suggest as suggest_industry

FEN = Decimal("0.01")
_OUTCOMES = {True: Outcome.PASS, False: Outcome.FAIL, None: Outcome.UNKNOWN}


Hints = Mapping[str, str]
"""Suggestions for missing facts, by fact path."""


def _missing(
    expression: Expression,
    facts: Mapping[str, Value],
    schema: Schema,
    derivation: Derivation,
    hints: Hints,
) -> list[MissingFact]:
    missing = []
    for path in expression.fields:
        if facts.get(path) is not None:
            continue
        for cause in underlying_missing(derivation, path) or (path,):
            missing.append(MissingFact(cause, fact_label(schema, cause), hints.get(cause)))
    return missing


def _money(value: Value) -> Decimal | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def evaluate_policy(
    compiled: CompiledPolicy,
    facts: Mapping[str, Value],
    derivation: Derivation,
    hints: Hints | None = None,
) -> Entitlement:
    """The verdict of one policy, criterion by criterion."""
    policy = compiled.policy
    hints = hints or {}
    results = []
    missing: dict[str, MissingFact] = {}
    for criterion in compiled.criteria:
        expression = criterion.expression
        outcome = _OUTCOMES[expression.evaluate(facts)]  # type: ignore[index]
        satisfied_on = None
        if outcome is Outcome.FAIL and "as_of" in expression.fields:
            satisfied_on = date_satisfied(expression.node, facts)
        elif outcome is Outcome.UNKNOWN:
            for fact in _missing(expression, facts, compiled.schema, derivation, hints):
                missing.setdefault(fact.fact, fact)
        results.append(
            CriterionResult(
                id=criterion.spec.id,
                label=criterion.spec.label,
                result=outcome,
                values={path: facts.get(path) for path in expression.fields},
                expression=expression.text,
                clause=criterion.spec.clause,
                satisfied_on=satisfied_on,
            )
        )
    failed = [r for r in results if r.result is Outcome.FAIL]
    eligible_from = None
    if failed:
        status = Status.NOT_ELIGIBLE
        dates = [r.satisfied_on for r in failed]
        if all(d is not None for d in dates):
            eligible_from = max(d for d in dates if d is not None)
            if not policy.effective.covers(eligible_from):
                eligible_from = None
    elif any(r.result is Outcome.UNKNOWN for r in results):
        status = Status.UNDETERMINED
    else:
        status = Status.ELIGIBLE
    amount = None
    if compiled.amount is not None and (status is not Status.NOT_ELIGIBLE or eligible_from):
        amount = _money(compiled.amount.evaluate(facts))
        if amount is None:
            for fact in _missing(compiled.amount, facts, compiled.schema, derivation, hints):
                missing.setdefault(fact.fact, fact)
    working_days = None
    if compiled.working_days is not None:
        days = compiled.working_days.evaluate(facts)
        working_days = days if isinstance(days, int) else None
    parts = static_parts(compiled)
    parameters: tuple[ParameterReading, ...] = ()
    if policy.parameters:
        as_of = facts.get("as_of")
        assert isinstance(as_of, date)
        parameters = readings(policy, as_of, facts.get(TAX_YEAR_FACT))
    return Entitlement(
        policy_id=policy.id,
        title=policy.title,
        summary=policy.summary,
        version=compiled.version,
        status=status,
        benefit_kind=policy.benefit.kind.value,
        benefit=policy.benefit.description,
        amount=amount,
        working_days=working_days,
        eligible_from=eligible_from,
        missing_facts=tuple(missing.values()),
        criteria=tuple(results),
        source=parts.source,
        units=policy.units,
        apply=parts.apply,
        sources=parts.sources,
        effective=parts.effective,
        parameters=parameters,
        excludes=parts.excludes,
    )


def _with_claim(
    compiled: CompiledPolicy, facts: dict[str, Value], claim: Mapping[str, Any] | None
) -> dict[str, Value]:
    """``facts`` plus the validated claim facts the policy declares (unknown without a claim)."""
    if claim is None:
        return facts
    return {**facts, **parse_claim(compiled.claim_model, claim)}


def evaluate_one(
    compiled: CompiledPolicy,
    profile: EnterpriseProfile,
    as_of: date,
    claim: Mapping[str, Any] | None = None,
) -> Entitlement:
    """One policy judged for ``profile``, in force or not (for test cases and claims)."""
    facts, derivation = enterprise_facts(profile)
    facts["as_of"] = as_of
    return evaluate_policy(compiled, _with_claim(compiled, facts, claim), derivation)


def _industry_hint(profile: EnterpriseProfile) -> IndustrySuggestions | None:
    """Suggest the industry from the business scope when the code is missing."""
    if profile.industry_code is not None or not profile.business_scope:
        return None
    return suggest_industry(profile.business_scope)


def _hints(profile: EnterpriseProfile, suggestions: IndustrySuggestions | None) -> Hints:
    """Suggestions for missing facts: never used to decide, only shown beside the question."""
    hints = {}
    if suggestions is not None and suggestions.section:
        best = suggestions.section[0]
        hints["enterprise.industry_code"] = (
            f"建议：{best.label} {best.label_zh}（{best.confidence:.2f}）"
        )
    area = suggested_registration_area(profile)
    if area is not None:
        hints["enterprise.registration_area"] = f"统一社会信用代码显示发证地为 {area}，请核实"
    return hints


def _derived_view(derivation: Derivation, suggestions: IndustrySuggestions | None) -> DerivedFacts:
    size, slp = derivation.size, derivation.small_low_profit
    return DerivedFacts(
        size_category=size.category,
        size_class=size.size_class,
        size_basis=size.basis,
        small_low_profit=slp.qualifies,
        small_low_profit_tax_year=slp.tax_year,
        small_low_profit_standard_tax=slp.standard_tax,
        small_low_profit_tax=slp.preferential_tax,
        small_low_profit_saving=slp.saving,
        small_low_profit_basis=slp.basis,
        industry_suggestion=suggestions,
    )


def evaluate(
    profile: EnterpriseProfile,
    as_of: date,
    catalog: Catalog | None = None,
    claims: Mapping[str, Mapping[str, Any]] | None = None,
) -> EntitlementList:
    """Every policy in force on ``as_of``, judged for ``profile``.

    ``claims`` maps a policy id to the facts of an application for it (a contract, say);
    they are validated against the claim facts that policy declares.
    """
    catalog = catalog if catalog is not None else default_catalog()
    facts, derivation = enterprise_facts(profile)
    facts["as_of"] = as_of
    suggestions = _industry_hint(profile)
    hints = _hints(profile, suggestions)
    entitlements = []
    for compiled in catalog.in_force(as_of):
        claim = (claims or {}).get(compiled.id)
        policy_facts = _with_claim(compiled, facts, claim)
        entitlements.append(evaluate_policy(compiled, policy_facts, derivation, hints))
    mark_preferred(entitlements)
    return EntitlementList(
        as_of=as_of,
        enterprise=EnterpriseRef(profile.uscc, profile.name),
        derived=_derived_view(derivation, suggestions),
        entitlements=tuple(entitlements),
        ended=tuple(
            EndedPolicy(p.id, p.policy.title, until, p.policy.replaced_by)
            for p in catalog.ended(as_of)
            if (until := p.policy.effective.until) is not None
        ),
    )


def mark_preferred(entitlements: list[Entitlement]) -> None:
    """Among benefits that exclude each other, mark the better: the larger known amount.

    Only benefits the enterprise can have are compared; with one of them left, there is no
    choice to make. Ties and unknown amounts mark none as better.
    """
    by_id = {e.policy_id: e for e in entitlements if e.status is not Status.NOT_ELIGIBLE}
    for entitlement in by_id.values():
        rivals = [by_id[i] for i in entitlement.excludes if i in by_id]
        if not rivals:
            continue
        amounts = [e.amount for e in (entitlement, *rivals)]
        if any(a is None for a in amounts):
            continue
        best = max(a for a in amounts if a is not None)
        winners = [a for a in amounts if a == best]
        entitlement.preferred = entitlement.amount == best and len(winners) == 1
