"""Verifications per second: one claim recomputed under its policy version, with the whole
trace and the ledger checks, on SQLite and on PostgreSQL. Then, with every claim decided, the
time to verify the whole ledger (what each export and checkpoint does first).

Run: .venv/bin/python bench/verify.py [--claims 200] [--seconds 10] [--databases sqlite,postgresql]
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import settings
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import demo_example, load_demo
from matcher.enterprises.repository import EnterpriseRepository
from matcher.migrate import upgrade
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.payee import Payee
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.service import decide, file_claim
from matcher.payouts.tables import DecisionKind
from matcher.payouts.verification import verify
from matcher.policies.catalog import Catalog, default_catalog, load_catalog
from matcher.policies.versions import publish

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
STAFF = Principal(Role.STAFF, None, "bench", "system:bench")


def transfer_in_force(root: Path) -> Catalog:
    """The catalog copied under ``root`` with the 2020 technology-transfer measure (ended
    2020-12-31) still in force: a claim is dated the day it is filed, and this bench measures
    verification under a per-project cap, not the catalog's dates."""
    shutil.copytree(default_catalog().root, root)
    path = root / "jiyuan-2020" / "tech-transfer-subsidy.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("\n  until: 2020-12-31\n", "\n", 1), "utf-8")
    return load_catalog(root)


def prepare(engine: Engine, claims: int) -> list[int]:
    """Demo enterprises, and technology-transfer claims spread over a few shared projects."""
    with tempfile.TemporaryDirectory() as directory, session_scope(engine) as session:
        load_demo(session, demo_example(), count=claims)
        publish(session, transfer_in_force(Path(directory) / "policies"), clock.today())
        rows, _ = EnterpriseRepository(session).search("济源", 0, claims)
        ids = []
        for index, row in enumerate(rows):
            facts = {
                "cooperation_mode": "joint_rnd",
                "counterparty_kind": "university",
                "transaction_amount": str(100000 + index * 1000),
                "contract_date": "2021-03-01",
                "contract_registration_number": f"2141-9001-{index % 20:06d}",
            }
            payee = Payee(row["name"], "中国工商银行济源分行", f"1712000009{index:09d}")
            claim = file_claim(
                session,
                row["uscc"],
                "tech-transfer-subsidy",
                facts,
                clock.today(),
                STAFF,
                payee=payee,
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


def decide_all(engine: Engine, ids: list[int]) -> None:
    """A ledger of one record per claim: approved for what it may still receive, or rejected
    once its project's cap is used up."""
    with session_scope(engine) as session:
        repository = PayoutRepository(session)
        for claim_id in ids:
            claim = repository.claim(claim_id)
            assert claim is not None
            verification = verify(session, claim)
            if verification.approvable:
                amount = verification.payable_amount
                decide(session, claim_id, DecisionKind.APPROVE, STAFF, amount)
            else:
                decide(session, claim_id, DecisionKind.REJECT, STAFF, reason="项目限额已用完")


def measure_ledger(engine: Engine, rounds: int = 5) -> list[float]:
    timings = []
    with Session(engine) as session:
        for _ in range(rounds):
            started = time.perf_counter()
            report = verify_ledger(session)
            timings.append(time.perf_counter() - started)
            assert report.intact, report.problems
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
    # The bench's ledgers are its own: no checkpoint of the checkout's ledger applies to them.
    os.environ["MATCHER_LEDGER_CHECKPOINTS"] = os.devnull
    settings.cache_clear()
    for name in args.databases.split(","):
        with scratch_database(name, POSTGRES_URL) as url:
            engine = make_engine(url)
            upgrade(engine)
            ids = prepare(engine, args.claims)
            measure(engine, ids[:20], 1)  # warm up
            timings = sorted(measure(engine, ids, args.seconds))
            decide_all(engine, ids)
            ledger = statistics.median(measure_ledger(engine))
            engine.dispose()
        print(
            f"{name:<11} {len(timings) / sum(timings):7.0f} verifications/s   "
            f"median {statistics.median(timings) * 1000:5.2f} ms   "
            f"p99 {timings[int(len(timings) * 0.99)] * 1000:5.2f} ms   "
            f"ledger verify {len(ids)} records {ledger * 1000:6.1f} ms "
            f"({ledger / len(ids) * 1e6:.0f} µs a record)"
        )


if __name__ == "__main__":
    main()
