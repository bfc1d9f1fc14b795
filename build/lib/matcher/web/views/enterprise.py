"""One enterprise on record, for its homepage and for staff: its facts and its entitlements."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from matcher.eligibility.evaluate import evaluate
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import Catalog
from matcher.profiles.model import EnterpriseProfile
from matcher.web.views.entitlements import ResultView, present_result
from matcher.web.views.profile import ProfileView, present_profile


@dataclass(frozen=True, slots=True)
class EnterpriseView:
    profile: EnterpriseProfile
    facts: ProfileView
    result: ResultView


def load_enterprise(
    session: Session, catalog: Catalog, uscc: str, as_of: date
) -> EnterpriseView | None:
    """``None`` when no enterprise with that code is on record."""
    repository = EnterpriseRepository(session)
    profile = repository.get(uscc, catalog.facts)
    if profile is None:
        return None
    facts = present_profile(profile, repository.provenance(uscc), catalog.facts)
    result = present_result(evaluate(profile, as_of, catalog), catalog)
    return EnterpriseView(profile, facts, result)
