"""免申即享 over JSON: staff propose, publish and approve a list; the enterprise reads its
entries and confirms its account; refusals change nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.no_application.tables import PayableEntry
from matcher.payouts.tables import Decision
from matcher.policies.catalog import Catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.no_application.policy_files import POLICY_ID, write_catalog
from tests.payouts.conftest import enterprise

LISTS = "/api/v1/no-application/lists"
MINE = f"/api/v1/enterprises/{ENTERPRISE_USCC}/no-application"
PAYEE = {"holder": "测试企业000C", "bank": "中国工商银行济源分行", "account": "6222 0000 1111 2333"}


@pytest.fixture
def api_catalog(tmp_path: Path) -> Catalog:
    return write_catalog(tmp_path / "policies")


@pytest.fixture
def listed(api: Api, api_catalog: Catalog) -> Api:
    """The enterprise on record from the registry."""
    with session_scope(api.engine) as session:
        profile = parse_profile(enterprise(ENTERPRISE_USCC), api_catalog.facts)
        EnterpriseRepository(session).save(profile, "registration", "test")
    return api


def _decisions(api: Api) -> int:
    with session_scope(api.engine) as session:
        return session.execute(select(func.count()).select_from(Decision)).scalar_one()


def test_a_list_from_proposal_to_payment(listed: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    client, staff, mine = listed.client, listed.headers("staff"), listed.headers("enterprise")
    assert client.post(LISTS, json={"policy_id": POLICY_ID}, headers=mine).status_code == 403
    assert client.get(LISTS, headers=staff).json()["total"] == 0
    proposed = client.post(LISTS, json={"policy_id": POLICY_ID}, headers=staff)
    assert proposed.status_code == 201, proposed.text
    body = proposed.json()
    assert proposed.headers["location"].endswith(f"{LISTS}/{body['id']}")
    assert body["status"] == "draft" and body["notice_until"] is None
    [entry] = body["entries"]
    assert (entry["uscc"], entry["amount"], entry["excluded_reason"]) == (
        ENTERPRISE_USCC,
        "3000.00",
        None,
    )
    assert {c["id"] for c in entry["evidence"]["criteria"]} == {
        "registered_in_jiyuan",
        "operating",
        "operating_one_year",
    }
    # A draft is the window's: the enterprise does not see it.
    assert client.get(MINE, headers=mine).json()["items"] == []
    path = f"{LISTS}/{body['id']}"
    published = client.post(f"{path}/publish", headers=staff)
    assert published.status_code == 200, published.text
    today = clock.today()
    assert published.json()["status"] == "public_notice"
    assert published.json()["notice_until"] == str(today + timedelta(days=6))
    again = client.post(f"{path}/publish", headers=staff)
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "already_published",
        "message": "名单公示中，不能再次公示",
        "details": [],
    }
    early = client.post(f"{path}/approve", headers=staff)
    assert (early.status_code, early.json()["error"]["code"]) == (422, "public_notice_running")
    assert _decisions(listed) == 0

    [own] = client.get(MINE, headers=mine).json()["items"]
    assert own["evidence"] is None and own["payee"] is None
    other = client.get(MINE, headers=listed.headers("other"))
    assert other.status_code == 404
    payee_path = f"/api/v1/no-application/entries/{own['id']}/payee"
    by_staff = client.put(payee_path, json={"payee": PAYEE}, headers=staff)
    assert (by_staff.status_code, by_staff.json()["error"]["code"]) == (403, "forbidden")
    neither = client.put(payee_path, json={}, headers=mine)
    assert neither.status_code == 422
    by_other = client.put(payee_path, json={"payee": PAYEE}, headers=listed.headers("other"))
    assert by_other.status_code == 404
    with session_scope(listed.engine) as session:
        [stored] = session.execute(select(PayableEntry)).scalars().all()
        assert stored.payee_sealed is None
    confirmed = client.put(payee_path, json={"payee": PAYEE}, headers=mine)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["payee"]["account"] == "6222 **** **** 2333"

    later = today + timedelta(days=7)
    monkeypatch.setattr(clock, "today", lambda: later)
    approved = client.post(f"{path}/approve", headers=staff)
    assert approved.status_code == 200, approved.text
    assert approved.json() == {"approved": [own["id"]], "awaiting_payee": [], "excluded": []}
    assert client.post(f"{path}/approve", headers=staff).json()["approved"] == []
    assert _decisions(listed) == 1
    [paid] = client.get(MINE, headers=mine).json()["items"]
    assert paid["claim_id"] is not None
    assert OTHER_USCC not in {e["uscc"] for e in client.get(path, headers=staff).json()["entries"]}
