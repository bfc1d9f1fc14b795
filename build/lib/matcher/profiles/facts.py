"""A profile flattened into the facts expressions read: ``enterprise.<field>`` → value."""

from functools import cache

from matcher.profiles.derived import Derivation, derive
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.schema import profile_facts
from matcher.rules.ast import Value


@cache
def _scalar_fields() -> tuple[tuple[str, str], ...]:
    return tuple((spec.path.removeprefix("enterprise."), spec.path) for spec in profile_facts())


def enterprise_facts(profile: EnterpriseProfile) -> tuple[dict[str, Value], Derivation]:
    """Recorded (declared ones too) and derived facts of ``profile``, and the derivation behind
    the latter."""
    facts: dict[str, Value] = {path: getattr(profile, name) for name, path in _scalar_fields()}
    facts.update({f"enterprise.{name}": value for name, value in profile.facts.items()})
    derivation = derive(profile)
    facts.update(derivation.values)
    return facts, derivation
