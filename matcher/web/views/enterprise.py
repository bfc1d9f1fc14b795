"""One enterprise on record, for its homepage and for staff: its facts and its entitlements;
for staff, its claims."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from matcher.eligibility.evaluate import evaluate
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.claim_filter import ClaimFilter
from matcher.payouts.repository import PayoutRepository
from matcher.policies.catalog import Catalog
from matcher.profiles.model import EnterpriseProfile
from matcher.web.views.claims import ClaimRow, claim_rows
from matcher.web.views.entitlements import ResultView, present_result
from matcher.web.views.profile import ProfileView, present_profile
from matcher.web.views.queue import queue_href

CLAIMS_SHOWN = 50


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


@dataclass(frozen=True, slots=True)
class EnterpriseClaims:
    rows: tuple[ClaimRow, ...]
    """The first :data:`CLAIMS_SHOWN` by due date."""
    total: int
    all_href: str
    """All of them in the staff queue."""


def enterprise_claims(
    session: Session, catalog: Catalog, uscc: str, today: date
) -> EnterpriseClaims:
    """The enterprise's claims, decided or not, as the staff queue lists them."""
    repository, chosen = PayoutRepository(session), ClaimFilter(uscc=uscc)
    claims = repository.queue(chosen, 0, CLAIMS_SHOWN)
    return EnterpriseClaims(
        claim_rows(session, catalog, claims, today),
        repository.queue_length(chosen),
        queue_href({}, status="all", q=uscc),
    )
