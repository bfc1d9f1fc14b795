"""The parts of an entitlement that depend on the policy alone: its sources, period and
申兑指南. Built once per policy version, shared by every evaluation."""

from dataclasses import dataclass

from matcher.eligibility.results import (
    HowToApply,
    MaterialRef,
    OfficeRef,
    Period,
    SourceRef,
)
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import Policy, Source


@dataclass(frozen=True, slots=True)
class StaticParts:
    source: SourceRef
    sources: tuple[SourceRef, ...]
    effective: Period
    apply: HowToApply
    excludes: tuple[str, ...]


def _source(source: Source) -> SourceRef:
    return SourceRef(source.document, source.article, source.clause, source.title)


def _apply(policy: Policy) -> HowToApply:
    guide, where = policy.apply, policy.apply.where
    window = guide.window
    return HowToApply(
        beneficiaries=guide.beneficiaries,
        where=OfficeRef(where.name, where.address, where.phone, where.source, where.assumption),
        open_from=None if window is None else window.start,
        open_until=None if window is None else window.until,
        materials=tuple(MaterialRef(m.item, m.source, m.assumption) for m in guide.materials),
        how=guide.how,
    )


_BUILT: dict[str, StaticParts] = {}


def static_parts(compiled: CompiledPolicy) -> StaticParts:
    """The policy-only parts of ``compiled``'s entitlements, built once per version."""
    parts = _BUILT.get(compiled.version)
    if parts is None:
        policy = compiled.policy
        parts = StaticParts(
            source=_source(policy.source),
            sources=tuple(_source(s) for s in policy.sources),
            effective=Period(policy.effective.start, policy.effective.until),
            apply=_apply(policy),
            excludes=tuple(e.policy for e in policy.excludes),
        )
        _BUILT[compiled.version] = parts
    return parts
