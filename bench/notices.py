"""Notices rendered and enqueued per second: change detection, the INSERT … SELECT into the
outbox that writes the notices of shared shapes rendered (each shape's texts stored once),
then rendering what is left, on SQLite and on PostgreSQL.

Run: .venv/bin/python bench/notices.py [--notices 100000] [--databases sqlite,postgresql]

Each enterprise has e-mail and SMS contacts and five changes between two match runs, one of
each kind (a new entitlement, a date reached, a changed policy version, a changed amount, a
policy matched for the first time), beside nine policies that did not change: fifteen notices
per enterprise over the three channels.
"""

import argparse
import os
import time
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session
from stdnum.cn import uscc

from matcher import clock
from matcher.db import make_engine, scratch_database
from matcher.eligibility.results import Status
from matcher.enterprises.tables import enterprises
from matcher.migrate import upgrade
from matcher.notices.outbox import OutboxRepository
from matcher.notices.service import enqueue_rendered, notice_plan, render_pending
from matcher.notices.tables import NoticeContact
from matcher.policies.catalog import default_catalog
from matcher.policies.versions import publish
from matcher.population.state import StateRepository, reconcile
from matcher.population.tables import EntitlementSnapshot, MatchRun, MatchRunPolicy
from matcher.population.verdict import STATUS_CODES

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BEFORE, AFTER = date(2020, 8, 1), date(2020, 10, 1)
NOTICES_PER_ENTERPRISE = 15
PAGE = "https://hqzc.jiyuan.example/me"


def _uscc(serial: int) -> str:
    body = f"91419001MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def _snapshot(run: int, enterprise: int, policy_no: int, **values: Any) -> dict[str, Any]:
    """A snapshot row: eligible for 5000 yuan unless ``values`` say otherwise."""
    return {
        "run_id": run,
        "policy_no": policy_no,
        "enterprise_id": enterprise,
        "status": STATUS_CODES[Status.ELIGIBLE],
        "amount": Decimal(5000),
        "eligible_from": None,
    } | values


def prepare(engine: Engine, count: int) -> None:
    """``count`` enterprises with contacts, and the two runs that differ for each."""
    policies = [(p.id, p.version) for p in default_catalog().in_force(AFTER)]
    _new, reached, changed, amount, first_time, *steady = policies
    ids = range(1, count + 1)
    moment = clock.now()
    with Session(engine) as session:
        publish(session, default_catalog(), AFTER)
        people = [{"id": i, "uscc": _uscc(i), "name": f"济源测试企业{i}有限公司"} for i in ids]
        session.execute(insert(enterprises), people)
        confirmed = {
            "origin": "staff",
            "added_by": "bench",
            "updated_by": "bench",
            "created_at": moment,
            "updated_at": moment,
            "confirmed_at": moment,
        }
        contacts = [
            {"enterprise_id": i, "channel": channel, "address": address} | confirmed
            for i in ids
            for channel, address in (("email", f"e{i}@example.com"), ("sms", f"+86139{i:08d}"))
        ]
        session.execute(insert(NoticeContact), contacts)
        before, after = (
            MatchRun(as_of=day, enterprises=count, finished_at=moment) for day in (BEFORE, AFTER)
        )
        session.add_all([before, after])
        session.flush()
        assert before.id is not None and after.id is not None
        # Policies are numbered by their place in `policies` in both runs.
        number = {p: n for n, (p, _) in enumerate(policies, start=1)}
        session.execute(
            insert(MatchRunPolicy),
            [
                {
                    "run_id": run.id,
                    "policy_no": number[p],
                    "policy_id": p,
                    "policy_version": "0" * 64 if (run is before and p == changed[0]) else v,
                    "eligible": count,
                }
                for run in (before, after)
                for p, v in policies
                if run is after or p != first_time[0]
            ],
        )
        not_eligible = STATUS_CODES[Status.NOT_ELIGIBLE]
        rows = [
            row
            for i in ids
            for row in (
                # before: nothing for `_new` (entitled) and `first_time` (published); `changed`
                # matched under another version
                _snapshot(
                    before.id, i, number[reached[0]], status=not_eligible, eligible_from=BEFORE
                ),
                _snapshot(before.id, i, number[changed[0]]),
                _snapshot(before.id, i, number[amount[0]], amount=Decimal(3000)),
                *(_snapshot(before.id, i, number[p]) for p, _ in steady),
                *(_snapshot(after.id, i, number[p]) for p, _ in policies),
            )
        ]
        session.execute(insert(EntitlementSnapshot), rows)
        run_ids = (before.id, after.id)
        session.commit()
    _analyze(engine)
    with Session(engine) as session:  # the state before, told already; then the change
        runs = [session.get_one(MatchRun, run_id) for run_id in run_ids]
        StateRepository(session).mark_notified([reconcile(session, runs[0]).id or 0])
        reconcile(session, runs[1])
        session.commit()
    _analyze(engine)


def _analyze(engine: Engine) -> None:
    """The statistics autovacuum gathers after a bulk insert: without them the planner takes
    the fresh tables for empty and joins them in nested loops."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def run(name: str, notices: int) -> None:
    count = -(-notices // NOTICES_PER_ENTERPRISE)
    with scratch_database(name, POSTGRES_URL) as url:
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        prepare(engine, count)
        setup = time.perf_counter() - started
        with Session(engine) as session:
            started = time.perf_counter()
            plan = notice_plan(session)
            assert plan is not None
            planned = time.perf_counter()
            added = enqueue_rendered(session, plan, PAGE)
            session.commit()
            enqueued = time.perf_counter()
            tally = render_pending(session, PAGE, lambda _rows: session.commit())
            session.commit()
            rendered = time.perf_counter()
            left = OutboxRepository(session).unrendered_count()
        engine.dispose()
    assert added == plan.notices and tally.failed == 0 and left == 0
    total = rendered - started
    print(
        f"{name}: {added:,} notices for {count:,} enterprises ({plan.changed:,} changes) "
        f"in {total:.1f} s = {added / total:,.0f}/s: change detection {planned - started:.2f} s, "
        f"enqueue (INSERT … SELECT, shared shapes rendered) {enqueued - planned:.2f} s, "
        f"render the rest ({tally.rendered:,}) {rendered - enqueued:.2f} s; "
        f"data set up in {setup:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    for name in args.databases.split(","):
        run(name, args.notices)


if __name__ == "__main__":
    main()
