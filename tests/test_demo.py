from sqlalchemy import Engine, select
from sqlmodel import Session

from matcher import clock
from matcher.auth.service import authenticate_password
from matcher.config import DEMO_ENTERPRISE
from matcher.db import session_scope
from matcher.demo import DEMO_ACCOUNTS, DEMO_USCC, load_demo, match_demo, with_demo_founder
from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.results import Status
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import enterprises
from matcher.payouts.claim_filter import ClaimFilter
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import OPEN_STATUSES
from matcher.policies.catalog import default_catalog
from matcher.profiles.parse import parse_profile_json

EXAMPLE = parse_profile_json((DEMO_ENTERPRISE).read_text("utf-8"))


def test_the_demo_data_set(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert load_demo(session, EXAMPLE, count=60) >= 55
    with Session(engine) as session:
        repository = EnterpriseRepository(session)
        assert repository.count() >= 55
        declared = default_catalog().facts
        assert repository.get(DEMO_USCC, declared) == with_demo_founder(EXAMPLE)
        for username, password, role, _name, uscc in DEMO_ACCOUNTS:
            principal = authenticate_password(session, username, password)
            assert principal is not None and (principal.role, principal.uscc) == (role, uscc)
        queue = PayoutRepository(session).queue(ClaimFilter(statuses=OPEN_STATUSES))
        assert {claim.policy_id for claim in queue} == {"startup-subsidy"}
    with session_scope(engine) as session:
        assert load_demo(session, EXAMPLE, count=60) == 0  # once only


def test_the_demo_is_matched_so_changes_of_facts_are_followed(engine: Engine) -> None:
    catalog = default_catalog()
    with session_scope(engine) as session:
        load_demo(session, EXAMPLE, count=60)
    today = clock.today()
    eligible = match_demo(engine, catalog, today)
    with Session(engine) as session:
        repository = EnterpriseRepository(session)
        codes = session.execute(select(enterprises.c.uscc)).scalars().all()
        profiles = [repository.get(code, catalog.facts) for code in codes]
    expected = sum(
        entitlement.status is Status.ELIGIBLE
        for profile in profiles
        if profile is not None
        for entitlement in evaluate(profile, today, catalog).entitlements
    )
    assert eligible == expected > 0
