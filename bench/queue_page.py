"""The staff queue page's server time with 10,000 claims (issue 13): GET /staff/claims through
the ASGI app in process (a signed-in clerk, the page rendered whole), the median and p95 of N
requests for the default view, a filter, a search by name, by code and by claim number, a late
page sorted by claim date, and the 工作台 with its counts.

Claims are written straight to the table (filing each through the service would measure
filing): spread over the demo's enterprises, the cash policies, every status, due dates from
two months back to two months ahead; a fifth approved, with a ledger record of the amount.

Run: .venv/bin/python bench/queue_page.py [--claims 10000] [--requests 50] [--databases postgresql]
(Not ``bench/queue.py``: a script of that name hides the standard library's ``queue``.)
"""

import argparse
import os
import random
import re
import statistics
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from matcher import clock
from matcher.app import create_app
from matcher.config import Settings, settings
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import DEMO_ACCOUNTS, demo_example, load_demo
from matcher.enterprises.tables import enterprises
from matcher.migrate import upgrade
from matcher.payouts.tables import Claim, ClaimStatus, Decision, DecisionKind

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CONTRACT = {
    "cooperation_mode": "joint_rnd",
    "counterparty_kind": "university",
    "transaction_amount": "1000000.00",
    "contract_date": "2021-03-01",
    "contract_registration_number": "JY2021000001",
}
POLICIES = (("tech-transfer-subsidy", CONTRACT), ("startup-subsidy", {}))
STATUSES = (
    (ClaimStatus.PENDING, 50),
    (ClaimStatus.MATERIALS_REQUESTED, 10),
    (ClaimStatus.APPROVED, 20),
    (ClaimStatus.REJECTED, 20),
)


def seed(engine: Engine, count: int) -> int:
    """The demo's enterprises and ``count`` claims; the number of one claim, for a search."""
    rng, today = random.Random(13), clock.today()
    with session_scope(engine) as session:
        load_demo(session, demo_example(), count=500)
        owners = session.execute(select(enterprises.c.id, enterprises.c.uscc)).all()
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    rows = []
    for _ in range(count):
        owner = rng.choice(owners)
        policy, facts = rng.choice(POLICIES)
        filed = today - timedelta(days=rng.randrange(0, 120))
        rows.append(
            {
                "enterprise_id": owner.id,
                "uscc": owner.uscc,
                "policy_id": policy,
                "claim_date": filed,
                "facts": facts,
                "status": rng.choice(statuses),
                "due_date": filed + timedelta(days=rng.randrange(5, 60)),
                "due_date_estimated": False,
                "filed_by": "bench",
                "filed_at": clock.now(),
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Claim), rows)
        approved = connection.execute(
            select(Claim.id, Claim.policy_id).where(Claim.status == ClaimStatus.APPROVED)
        ).all()
        records = [
            {
                "sequence": n,
                "claim_id": claim_id,
                "kind": DecisionKind.APPROVE,
                "amount": Decimal("5000.00"),
                "policy_id": policy,
                "policy_version": "bench",
                "snapshot": {},
                "trace": {},
                "decided_by": "bench",
                "decided_at": clock.now() - timedelta(days=rng.randrange(0, 60)),
                "entries": [],
                "prev_hash": f"{n - 1:064x}",
                "hash": f"{n:064x}",
                "mac": "0" * 64,
            }
            for n, (claim_id, policy) in enumerate(approved, start=1)
        ]
        connection.execute(insert(Decision), records)
        return int(connection.execute(select(Claim.id).offset(count // 2).limit(1)).scalar_one())


def signed_in(client: TestClient) -> None:
    username, password = DEMO_ACCOUNTS[0][:2]
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    data = {"csrf_token": token.group(1), "username": username, "password": password}
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def timed(client: TestClient, path: str, requests: int) -> tuple[float, float, int]:
    """Median and p95 in milliseconds, and the rows on the page."""
    client.get(path)  # warm up
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    rows = response.text.count('<th scope="row"><a href="/staff/claims/')
    return statistics.median(timings) * 1000, p95 * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--databases", default="postgresql")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; one process; {args.claims} claims")
    os.environ["MATCHER_LEDGER_CHECKPOINTS"] = os.devnull
    settings.cache_clear()
    for name in args.databases.split(","):
        with scratch_database(name, POSTGRES_URL) as url:
            engine = make_engine(url)
            upgrade(engine)
            number = seed(engine, args.claims)
            app = create_app(Settings(database_url=url, environment="test"), engine)
            views = {
                "default (待办, by due date)": "/staff/claims",
                "filter: policy + overdue": "/staff/claims?policy=startup-subsidy&overdue=1",
                "filter: approved, filed range": "/staff/claims?status=approved"
                f"&filed_from={clock.today() - timedelta(days=30)}&filed_to={clock.today()}",
                "search: name 银辉": f"/staff/claims?status=all&q={quote('银辉')}",
                "search: name 有限公司 (most)": f"/staff/claims?status=all&q={quote('有限公司')}",
                "search: code part": "/staff/claims?status=all&q=MA40",
                "search: claim number": f"/staff/claims?status=all&q={number}",
                "page 100, by claim date": "/staff/claims?status=all&sort=filed&page=100",
                "工作台 (counts)": "/staff",
            }
            with TestClient(app) as client:
                signed_in(client)
                print(f"{name}:")
                for label, path in views.items():
                    median, p95, rows = timed(client, path, args.requests)
                    print(
                        f"  {label:<32} median {median:6.1f} ms   p95 {p95:6.1f} ms   {rows} rows"
                    )
            engine.dispose()


if __name__ == "__main__":
    main()
