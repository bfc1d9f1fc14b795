"""Concurrent decisions over real HTTP on PostgreSQL: nothing approved twice, no cap or budget
exceeded, no decision lost."""

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func
from sqlmodel import select
from stdnum.cn import ric, uscc

from matcher.app import create_app
from matcher.config import Settings
from matcher.db import session_scope
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.tables import Decision, DecisionKind
from matcher.policies.catalog import Catalog, load_catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import Api
from tests.payouts.conftest import FOUNDER, PAYEE, catalog_in_force, enterprise

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

CODES = [f"91419001MA40001{n:02d}" for n in range(12)]


def _valid(code: str) -> str:
    return code[:17] + uscc.calc_check_digit(code[:17] + "0")


def _id_number(n: int) -> str:
    base = f"1101051949123100{n}"
    return base + ric.calc_check_digit(base + "0")


CODES = [_valid(code) for code in CODES]
FOUNDERS = [_id_number(n) for n in range(1, 6)]
"""Five founders of the first five enterprises, besides :data:`FOUNDER`, the founder of all."""


@pytest.fixture
def server(api: Api, api_catalog: Catalog, tmp_path: Path) -> Iterator[str]:
    with session_scope(api.engine) as session:
        for index, code in enumerate(CODES):
            numbers = [FOUNDER, *FOUNDERS[index : index + 1]]
            founders = [{"id_hash": hash_id_number(n), "first_time_founder": True} for n in numbers]
            profile = parse_profile(enterprise(code, founders=founders), api_catalog.facts)
            EnterpriseRepository(session).save(profile, "registration", "t")
    catalog_root = tmp_path / "server-policies"
    catalog_in_force(catalog_root)
    startup = catalog_root / "jiyuan-2020/startup-subsidy.yaml"
    startup.write_text(
        startup.read_text("utf-8").replace(
            '  amount: "5000"\n', '  amount: "5000"\n  budget: 12000\n'
        ),
        "utf-8",
    )
    app = create_app(Settings(calculator_rate_limit=1000), api.engine, load_catalog(catalog_root))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _post_all(base: str, token: str, requests: list[tuple[str, dict[str, Any]]]) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}

    def send(item: tuple[str, dict[str, Any]]) -> int:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            return client.post(item[0], json=item[1]).status_code

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _file(base: str, token: str, code: str, policy: str, facts: dict[str, Any]) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    body = {"uscc": code, "policy_id": policy, "facts": facts, "payee": PAYEE}
    response = httpx.post(f"{base}/api/v1/claims", json=body, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _approvals(engine: Engine) -> list[Decimal]:
    with session_scope(engine) as session:
        rows = session.exec(select(Decision.amount).where(Decision.kind == DecisionKind.APPROVE))
        return sorted(Decimal(a) for a in rows if a is not None)


def _chain_intact(engine: Engine) -> int:
    with session_scope(engine) as session:
        report = verify_ledger(session)
        assert report.intact, report.problems
        count = session.exec(select(func.count()).select_from(Decision)).one()
        assert count == report.records
        return report.records


def test_the_same_claim_approved_by_many_at_once(api: Api, server: str) -> None:
    staff = api.tokens["staff"]
    claim = _file(server, staff, CODES[0], "startup-subsidy", {"founder_id_number": FOUNDER})
    approve = (f"/api/v1/claims/{claim}/decisions", {"kind": "approve", "amount": "5000"})
    statuses = _post_all(server, staff, [approve] * 12)
    assert sorted(statuses) == [201] + [409] * 11
    assert _approvals(api.engine) == [Decimal("5000.00")]
    assert _chain_intact(api.engine) == 1


def test_one_founder_claimed_through_many_enterprises_at_once(api: Api, server: str) -> None:
    staff = api.tokens["staff"]
    founder = {"founder_id_number": FOUNDER}
    claims = [_file(server, staff, code, "startup-subsidy", founder) for code in CODES[:8]]
    requests = [
        (f"/api/v1/claims/{c}/decisions", {"kind": "approve", "amount": "5000"}) for c in claims
    ]
    statuses = _post_all(server, staff, requests)
    assert sorted(statuses) == [201] + [422] * 7
    assert _approvals(api.engine) == [Decimal("5000.00")]


def test_one_project_cap_under_concurrent_approvals(api: Api, server: str) -> None:
    staff = api.tokens["staff"]
    contract = {
        "cooperation_mode": "joint_rnd",
        "counterparty_kind": "research_institute",
        "transaction_amount": "500000",
        "contract_date": "2021-03-01",
        "contract_registration_number": "2141-9001-000042",
    }
    claims = [_file(server, staff, code, "tech-transfer-subsidy", contract) for code in CODES[:10]]
    requests = [
        (f"/api/v1/claims/{c}/decisions", {"kind": "approve", "amount": "70000"}) for c in claims
    ]
    statuses = _post_all(server, staff, requests)
    approved = _approvals(api.engine)
    assert statuses.count(201) == len(approved) == 4  # 4 x 70,000 fit in 300,000; a 5th does not
    assert sum(approved) <= Decimal("300000")
    assert _chain_intact(api.engine) == 4


def test_a_nearly_spent_budget_is_never_overcommitted(api: Api, server: str) -> None:
    staff = api.tokens["staff"]
    claims = [
        _file(server, staff, code, "startup-subsidy", {"founder_id_number": founder})
        for code, founder in zip(CODES, FOUNDERS, strict=False)
    ]
    requests = [
        (f"/api/v1/claims/{c}/decisions", {"kind": "approve", "amount": "5000"}) for c in claims
    ]
    statuses = _post_all(server, staff, requests)
    assert statuses.count(201) == 2  # 2 x 5,000 of 12,000; the third would need 5,000 of 2,000 left
    assert sum(_approvals(api.engine)) == Decimal("10000.00")
    assert _chain_intact(api.engine) == 2
