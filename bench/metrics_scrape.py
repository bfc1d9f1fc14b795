"""What a Prometheus scrape of ``/metrics`` costs the database, on SQLite and PostgreSQL: the
state gauges' queries over a year's worth of rows.

Run: .venv/bin/python bench/metrics_scrape.py [--notices 200000] [--claims 20000]
     [--scrapes 15] [--databases sqlite,postgresql]

The outbox holds ``--notices`` delivered notices (history the gauges never count) beside 2,000
pending and 50 failed ones; ``--claims`` claims, a tenth of them open and past their due date;
365 finished match runs and ledger verifications. Prints the median and the slowest time to
build the whole exposition (the HTTP counters are empty, so this is the database's share).
"""

import argparse
import os
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import Engine, insert
from stdnum.cn import uscc

from matcher import clock
from matcher.db import make_engine, scratch_database
from matcher.enterprises.tables import enterprises
from matcher.migrate import upgrade
from matcher.notices.tables import NoticeStatus, OutboxNotice
from matcher.observability.metrics import Metrics
from matcher.payouts.tables import Claim, ClaimStatus, LedgerVerification
from matcher.population.tables import MatchRun

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ENTERPRISES = 1000
BATCH = 10_000


def _code(serial: int) -> str:
    body = f"91419001MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def _fill(engine: Engine, notices: int, claims: int) -> None:
    moment, today = clock.now(), clock.today()
    statuses = [NoticeStatus.SENT] * notices + [NoticeStatus.PENDING] * 2000
    statuses += [NoticeStatus.FAILED] * 50
    with engine.begin() as connection:
        connection.execute(
            insert(enterprises),
            [{"id": i, "uscc": _code(i), "name": f"企业{i}"} for i in range(1, ENTERPRISES + 1)],
        )
        rows = [
            {
                "enterprise_id": n % ENTERPRISES + 1,
                "run_id": 1,
                "policy_id": "startup-subsidy",
                "policy_version": "v",
                "kind": "entitled",
                "channel": "email",
                "idempotency_key": f"bench-{n}",
                "status": status,
                "attempts": 1,
                "created_at": moment,
            }
            for n, status in enumerate(statuses)
        ]
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(OutboxNotice), rows[start : start + BATCH])
        claim_rows = [
            {
                "enterprise_id": n % ENTERPRISES + 1,
                "uscc": _code(n % ENTERPRISES + 1),
                "policy_id": "market-entity-simplified-deregistration",
                "claim_date": today - timedelta(days=n % 365),
                "facts": {},
                "status": ClaimStatus.PENDING if n % 10 == 0 else ClaimStatus.APPROVED,
                "due_date": today - timedelta(days=n % 365 - 20),
                "due_date_estimated": False,
                "filed_by": "bench",
                "filed_at": moment,
            }
            for n in range(claims)
        ]
        for start in range(0, len(claim_rows), BATCH):
            connection.execute(insert(Claim), claim_rows[start : start + BATCH])
        days = [moment - timedelta(days=d) for d in range(365)]
        connection.execute(
            insert(MatchRun),
            [
                {"as_of": date.today(), "started_at": d, "finished_at": d, "enterprises": 1000}
                for d in days
            ],
        )
        connection.execute(
            insert(LedgerVerification), [{"verified_at": d, "records": 100} for d in days]
        )
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=200_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--scrapes", type=int, default=15)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        with scratch_database(kind, POSTGRES_URL) as url:
            engine = make_engine(url)
            upgrade(engine)
            _fill(engine, args.notices, args.claims)
            metrics = Metrics(engine)
            metrics.exposition()  # warm the pool and the statement cache
            times = []
            for _ in range(args.scrapes):
                started = time.perf_counter()
                text = metrics.exposition().decode()
                times.append((time.perf_counter() - started) * 1000)
            assert "matcher_state_up 1.0" in text, text
            print(
                f"{kind}: scrape of {args.notices:,} delivered notices, {args.claims:,} claims: "
                f"median {statistics.median(times):.1f} ms, slowest {max(times):.1f} ms "
                f"({args.scrapes} scrapes)"
            )
            engine.dispose()


if __name__ == "__main__":
    main()
