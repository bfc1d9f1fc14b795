"""The 兑现看板's server time (issue 16): GET /staff/uptake through the ASGI app in process (a
signed-in clerk, three charts drawn and every table filled), the median and p95 of N requests
for the default view, a policy over a month range, the grouping by size class, and the
non-take-up list.

The population is ``--enterprises`` of the demo's, with the staff queue bench's ``--claims``
claims written straight to the table (:mod:`bench.queue_page`), matched by a finished
population run, with an entitlement notice sent for every eligible pair; PostgreSQL is
``ANALYZE``d after the load (without statistics it reads the non-take-up list in about 0.7 s
rather than 40 ms).

Run: .venv/bin/python -m bench.uptake_page [--enterprises 5000] [--claims 10000]
     [--requests 20] [--databases sqlite,postgresql]
"""

import argparse
import os
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, String, cast, func, insert, literal, select, text

from bench.queue_page import POSTGRES_URL, seed, signed_in, timed
from matcher import clock
from matcher.app import create_app
from matcher.config import Settings, settings
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import demo_example, load_demo
from matcher.migrate import upgrade
from matcher.notices.tables import NoticeStatus, OutboxNotice
from matcher.policies.catalog import default_catalog
from matcher.population.service import match_population
from matcher.uptake.eligible import eligible_pairs


def notify_everyone(engine: Engine) -> int:
    """One sent in-app notice per eligible pair, 45 days ago; how many."""
    pairs = eligible_pairs().subquery()
    key = "bench:" + cast(pairs.c.enterprise_id, String) + ":" + pairs.c.policy_id
    sent = clock.now() - timedelta(days=45)
    columns = ["enterprise_id", "policy_id", "policy_version", "kind", "channel"]
    columns += ["idempotency_key", "status", "sent_at", "event_key", "attempts", "created_at"]
    rows = select(
        pairs.c.enterprise_id,
        pairs.c.policy_id,
        literal("bench"),
        literal("initial"),
        literal("in_app"),
        key,
        literal(NoticeStatus.SENT.value),
        literal(sent),
        literal(""),
        literal(1),
        literal(sent),
    )
    with engine.begin() as connection:
        connection.execute(insert(OutboxNotice).from_select(columns, rows))
        return int(connection.execute(select(func.count()).select_from(OutboxNotice)).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; one process")
    os.environ["MATCHER_LEDGER_CHECKPOINTS"] = os.devnull
    settings.cache_clear()
    today = clock.today()
    for name in args.databases.split(","):
        with scratch_database(name, POSTGRES_URL) as url:
            engine = make_engine(url)
            upgrade(engine)
            with session_scope(engine) as session:
                load_demo(session, demo_example(), count=args.enterprises)
            seed(engine, args.claims)  # its own load_demo finds the demo loaded
            match_population(engine, default_catalog().in_force(today), today)
            notices = notify_everyone(engine)
            if name == "postgresql":  # as autovacuum would after a load: plans need statistics
                with engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            app = create_app(Settings(database_url=url, environment="test"), engine)
            month = f"{today:%Y-%m}"
            earlier = f"{today - timedelta(days=90):%Y-%m}"
            views = {
                "default (by policy)": "/staff/uptake",
                "one policy, three months": "/staff/uptake?policy=startup-subsidy"
                f"&from={earlier}&to={month}",
                "by size class": "/staff/uptake?by=size_class",
                "non-take-up list": "/staff/uptake/non-take-up",
            }
            with TestClient(app) as client:
                signed_in(client)
                print(f"{name}: {notices} notices sent")
                for label, path in views.items():
                    median, p95, _ = timed(client, path, args.requests)
                    print(f"  {label:<28} median {median:6.1f} ms   p95 {p95:6.1f} ms")
            engine.dispose()


if __name__ == "__main__":
    main()
