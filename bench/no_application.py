"""A 免申即享 payable list proposed and approved: every enterprise judged on the facts recorded
by the list's day, with each eligible one's evidence and any claim already standing; then, the
last list published and every payable entry's account confirmed (not timed), the approval that
pays them all through the ledger, each entry checked afresh.

The population is ``--enterprises`` of the demo's (a third of their facts self-declared, so
a third of the eligible are listed as claiming the ordinary way); the policy is the tests'
免申即享 subsidy (``tests/no_application/policy_files.py``: 在济源登记, 正常经营满1年), since
the bundled catalog designates none. ``--rounds`` proposals on one database, median printed;
one approval.

Run: .venv/bin/python -m bench.no_application [--enterprises 5000] [--rounds 3]
     [--databases sqlite,postgresql]
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from bench.api_load import POSTGRES_URL
from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import demo_example, load_demo
from matcher.migrate import upgrade
from matcher.no_application.approval import approve
from matcher.no_application.lists import propose
from matcher.no_application.lists import publish as publish_list
from matcher.no_application.payee import confirm_payee
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import PayableEntry
from matcher.payouts.payee import Payee
from matcher.policies.versions import publish
from tests.no_application.policy_files import POLICY_ID, write_catalog

STAFF = Principal(Role.STAFF, None, "工作人员", "account:1")
PAYEE = Payee("测试企业", "中国工商银行济源分行", "6222000011112222333")


def approve_all(engine: Engine, list_id: int, today: date) -> tuple[int, float]:
    """Publish the list, confirm every payable entry's account, then approve it after its
    公示: the entries paid and the approval's seconds."""
    with session_scope(engine) as session:
        publish_list(session, list_id, STAFF, today)
    with session_scope(engine) as session:
        for entry in PayableRepository(session).entries(list_id):
            if entry.excluded_reason is None:
                confirm_payee(session, entry.id or 0, PAYEE, STAFF)
    with session_scope(engine) as session:
        started = time.perf_counter()
        result = approve(session, list_id, STAFF, today + timedelta(days=60))
        return len(result.approved), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; one process; {args.enterprises} enterprises")
    today = clock.today()
    with tempfile.TemporaryDirectory() as directory:
        catalog = write_catalog(Path(directory) / "policies")
        for name in args.databases.split(","):
            with scratch_database(name, POSTGRES_URL) as url:
                engine = make_engine(url)
                upgrade(engine)
                with session_scope(engine) as session:
                    load_demo(session, demo_example(), count=args.enterprises)
                    publish(session, catalog, today)
                seconds = []
                for _ in range(args.rounds):
                    with session_scope(engine) as session:
                        started = time.perf_counter()
                        payable = propose(session, POLICY_ID, today, STAFF)
                        seconds.append(time.perf_counter() - started)
                        listed = session.execute(
                            select(func.count(), func.count(PayableEntry.excluded_reason)).where(
                                PayableEntry.list_id == payable.id
                            )
                        ).one()
                approval = approve_all(engine, payable.id or 0, today)
                engine.dispose()
                median = statistics.median(seconds)
                print(
                    f"{name:<11} propose {median:7.2f} s median of {args.rounds} "
                    f"({' '.join(f'{s:.2f}' for s in seconds)}); {listed[0]} listed, "
                    f"{listed[1]} to claim the ordinary way; "
                    f"{median / args.enterprises * 1e6:.0f} µs an enterprise"
                )
                paid, approved_in = approval
                print(
                    f"{name:<11} approve {approved_in:7.2f} s for {paid} entries; "
                    f"{approved_in / max(paid, 1) * 1e3:.1f} ms an entry"
                )


if __name__ == "__main__":
    main()
