"""Verifications per second: one claim recomputed under its policy version, with the whole
trace and the ledger checks, on SQLite and on PostgreSQL.

Run: .venv/bin/python bench/verify.py [--claims 200] [--seconds 10] [--databases sqlite,postgresql]
"""

import argparse
import os
import statistics
import time

from sqlalchemy import Engine
from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import REPO_ROOT
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import load_demo
from matcher.enterprises.repository import EnterpriseRepository
from matcher.migrate import upgrade
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.service import file_claim
from matcher.payouts.verification import verify
from matcher.policies.catalog import default_catalog
from matcher.policies.versions import publish
from matcher.profiles.parse import parse_profile_json

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
STAFF = Principal(Role.STAFF, None, "bench")


def prepare(engine: Engine, claims: int) -> list[int]:
    """Demo enterprises, and technology-transfer claims spread over a few shared projects."""
    example = parse_profile_json((REPO_ROOT / "examples/demo-enterprise.json").read_text("utf-8"))
    with session_scope(engine) as session:
        load_demo(session, example, count=claims)
        publish(session, default_catalog(), clock.today())
        rows, _ = EnterpriseRepository(session).search("济源", 0, claims)
        ids = []
        for index, row in enumerate(rows):
            facts = {
                "cooperation_mode": "joint_rnd",
                "counterparty_kind": "university",
                "transaction_amount": str(100000 + index * 1000),
                "contract_date": "2021-03-01",
                "project_id": f"P-{index % 20}",
            }
            claim = file_claim(
                session, row["uscc"], "tech-transfer-subsidy", facts, clock.today(), STAFF
            )
            ids.append(claim.id or 0)
    return ids


def measure(engine: Engine, ids: list[int], seconds: float) -> list[float]:
    timings = []
    deadline = time.monotonic() + seconds
    with Session(engine) as session:
        repository = PayoutRepository(session)
        while time.monotonic() < deadline:
            for claim_id in ids:
                started = time.perf_counter()
                claim = repository.claim(claim_id)
                assert claim is not None
                verify(session, claim)
                timings.append(time.perf_counter() - started)
            session.rollback()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    cores, claims, seconds = os.cpu_count(), args.claims, args.seconds
    print(f"machine: {cores} cores; one process; {claims} claims, {seconds:.0f} s each")
    for name in args.databases.split(","):
        with scratch_database(name, POSTGRES_URL) as url:
            engine = make_engine(url)
            upgrade(engine)
            ids = prepare(engine, args.claims)
            measure(engine, ids[:20], 1)  # warm up
            timings = sorted(measure(engine, ids, args.seconds))
            engine.dispose()
        print(
            f"{name:<11} {len(timings) / sum(timings):7.0f} verifications/s   "
            f"median {statistics.median(timings) * 1000:5.2f} ms   "
            f"p99 {timings[int(len(timings) * 0.99)] * 1000:5.2f} ms"
        )


if __name__ == "__main__":
    main()
