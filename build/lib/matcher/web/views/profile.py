"""An enterprise's recorded facts for a page, each with where it came from and when: the
profile's own facts, then those the catalog declares."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from matcher.enterprises.tables import FactRecord
from matcher.profiles.declared import FACTS_PREFIX, DeclaredFacts
from matcher.profiles.labels import show_value
from matcher.profiles.model import EnterpriseProfile, Founder
from matcher.rules.ast import Value


@dataclass(frozen=True, slots=True)
class FactRow:
    label: str
    value: str
    source: str | None
    recorded_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProfileView:
    known: tuple[FactRow, ...]
    unknown: tuple[str, ...]
    """Labels of the facts not on record."""


def _founders(founders: tuple[Founder, ...]) -> str:
    first_time = "、".join(show_value("", f.first_time_founder) for f in founders)
    return f"{len(founders)} 人（首次创业：{first_time}）"


def _row(label: str, shown: str, record: FactRecord | None) -> FactRow:
    return FactRow(
        label, shown, record.source if record else None, record.recorded_at if record else None
    )


def present_profile(
    profile: EnterpriseProfile, provenance: Mapping[str, FactRecord], declared: DeclaredFacts
) -> ProfileView:
    known, unknown = [], []
    for name, info in EnterpriseProfile.model_fields.items():
        value = getattr(profile, name)
        label = info.title or name
        if name == "facts":
            continue
        if value is None or value == ():
            unknown.append(label)
            continue
        shown = _founders(value) if name == "founders" else show_value(f"enterprise.{name}", value)
        known.append(_row(label, shown, provenance.get(name)))
    for name, fact in declared.items():
        fact_value: Value = profile.facts.get(name)
        if fact_value is None:
            unknown.append(fact.title)
            continue
        shown = show_value(f"enterprise.{name}", fact_value, declared.words(name))
        known.append(_row(fact.title, shown, provenance.get(FACTS_PREFIX + name)))
    return ProfileView(tuple(known), tuple(unknown))
