"""Moments read back from the database are aware and in UTC on SQLite as on PostgreSQL."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from matcher.auth.service import create_account
from matcher.auth.tables import Account, Role
from matcher.db import session_scope
from matcher.enterprises.tables import FactRecord
from tests.conftest import ENTERPRISE_USCC, Api

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_moment_comes_back_aware_and_in_utc(api: Api) -> None:
    moment = datetime(2021, 3, 1, 9, 30, 15, 250000, tzinfo=SHANGHAI)
    with session_scope(api.engine) as session:
        account = create_account(session, "wangfang", "correct-horse-42", Role.STAFF, "王芳")
        account.disabled_at = moment
        session.add(account)
    with session_scope(api.engine) as session:
        stored = session.exec(select(Account)).one()
    assert stored.disabled_at == moment
    assert stored.disabled_at is not None and stored.disabled_at.utcoffset() == timedelta(0)
    assert stored.disabled_at.isoformat() == "2021-03-01T01:30:15.250000+00:00"
    assert stored.created_at.utcoffset() == timedelta(0)
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_comparisons_use_the_same_instant(api: Api) -> None:
    body = {"source": "registration", "profile": {"uscc": ENTERPRISE_USCC, "name": "甲公司"}}
    assert (
        api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff")).status_code
        == 201
    )
    later = datetime.now(UTC) + timedelta(minutes=1)
    with session_scope(api.engine) as session:
        for bound in (later, later.astimezone(SHANGHAI)):
            earlier = session.exec(select(FactRecord).where(FactRecord.recorded_at < bound)).all()
            assert len(earlier) == 2, bound  # uscc and name


def test_the_api_shows_moments_with_their_offset(api: Api) -> None:
    body = {"source": "registration", "profile": {"uscc": ENTERPRISE_USCC, "name": "甲公司"}}
    api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff"))
    read = api.client.get(f"/api/v1/enterprises/{ENTERPRISE_USCC}", headers=api.headers("staff"))
    recorded = read.json()["provenance"]["name"]["recorded_at"]
    assert recorded.endswith("Z"), recorded
    assert datetime.fromisoformat(recorded).tzinfo is not None
