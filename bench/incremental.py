"""The nightly run by change against a full re-match, and a change of facts to its notice.

Run: .venv/bin/python bench/incremental.py [--count 1000000] [--changed 0.01] [--dated 0.005]

On PostgreSQL, in a throw-away schema: loads N generated enterprises (bench/match_all.py's
population), a share ``--dated`` of them registered a year before the day after, so that their
wait for the startup subsidy ends overnight. Then:

1. the first full run (``match-all``: snapshot, then the state reconciled from it);
2. a share ``--changed`` of the enterprises have their facts rewritten behind the state's
   back (plain SQL, as a bulk load would), and the nightly run (``match-changes``) brings the
   state to the next day, three times over (the first two rolled back): the first time (the
   rewritten rows' pages not yet in PostgreSQL's buffers) and the median, and how many pairs
   changed;
3. a full re-match on the next day, and whether its counts equal the state's, policy by
   policy and status by status;
4. ``--writes`` PUTs of one enterprise's facts through the API (in process, one worker),
   alternating between facts that gain and lose an entitlement: the time from the request
   to its notices committed in the outbox (the same transaction), p50 and p99.
"""

import argparse
import os
import statistics
import time
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from match_all import load_postgres, pool, population  # bench/match_all.py, beside this file
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col

from matcher.app import create_app
from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import make_engine, private_schema
from matcher.notices.tables import OutboxNotice
from matcher.policies.catalog import default_catalog
from matcher.population.incremental import advance
from matcher.population.service import match_population
from matcher.population.state import StateRepository
from matcher.population.tables import (
    Entitlement,
    EntitlementSnapshot,
    MatchRunPolicy,
    StatePolicy,
)

Counts = dict[tuple[str, int], int]
NIGHTLY_ROUNDS = 3


def _analyze(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def _dated(rows: Any, share: float, day: date) -> Any:
    """``rows`` with one in 1/share registered a year before ``day``."""
    every = max(1, round(1 / share)) if share else 0
    for serial, row in enumerate(rows, start=1):
        if every and serial % every == 0:
            row = row | {"registered_on": day.replace(year=day.year - 1)}
        yield row


def _state_rows(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Entitlement)).scalar_one())


def _state_counts(session: Session) -> Counts:
    rows = session.execute(
        select(StatePolicy.policy_id, Entitlement.status, func.count())
        .join(StatePolicy, col(StatePolicy.policy_no) == col(Entitlement.policy_no))
        .group_by(StatePolicy.policy_id, Entitlement.status)
    )
    return {(policy_id, status): count for policy_id, status, count in rows}


def _run_counts(session: Session, run_id: int) -> Counts:
    rows = session.execute(
        select(MatchRunPolicy.policy_id, EntitlementSnapshot.status, func.count())
        .join(
            MatchRunPolicy,
            (col(MatchRunPolicy.run_id) == col(EntitlementSnapshot.run_id))
            & (col(MatchRunPolicy.policy_no) == col(EntitlementSnapshot.policy_no)),
        )
        .where(col(EntitlementSnapshot.run_id) == run_id)
        .group_by(MatchRunPolicy.policy_id, EntitlementSnapshot.status)
    )
    return {(policy_id, status): count for policy_id, status, count in rows}


def _last_reconciliation(session: Session) -> int:
    """The pairs the latest full run found the state wrong about."""
    latest = StateRepository(session).last_sweep()
    assert latest is not None and latest.cause == "match"
    return latest.changed


def _rewrite(engine: Engine, share: float) -> int:
    """Rewrite the facts of one enterprise in 1/share, as a bulk load would: fewer staff and a
    lower taxable income (so some gain what small enterprises get, some lose what needs size)."""
    every = max(1, round(1 / share))
    with engine.begin() as connection:
        changed = connection.execute(
            text(
                "UPDATE enterprises SET employees = GREATEST(1, employees / 3),"
                " annual_taxable_income = annual_taxable_income / 3, updated_at = now()"
                f" WHERE id % {every} = 0"
            )
        ).rowcount
    return int(changed)


def _latency(engine: Engine, writes: int) -> list[float]:
    """Seconds from each PUT of facts to its notices committed (one in-process worker)."""
    with Session(engine) as session:
        token = issue_token(session, Role.STAFF, "bench")[0]
        uscc = session.execute(text("SELECT uscc FROM enterprises WHERE id = 1")).scalar_one()
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    config = Settings(database_url="sqlite://")
    seconds = []
    with TestClient(create_app(config, engine, default_catalog())) as client:
        profile = client.get(f"/api/v1/enterprises/{uscc}", headers=headers).json()["profile"]
        facts = [profile | {"annual_taxable_income": n} for n in ("90000000", "1000000")]
        for write in range(writes):
            body = {"source": "tax", "profile": facts[write % 2]}
            started = time.perf_counter()
            response = client.put(f"/api/v1/enterprises/{uscc}", json=body, headers=headers)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    with Session(engine) as session:
        told = session.execute(select(func.count()).select_from(OutboxNotice)).scalar_one()
    assert told > 0, "no write changed an entitlement"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=20_000, help="distinct profiles among them")
    parser.add_argument("--changed", type=float, default=0.01, help="share with facts rewritten")
    parser.add_argument("--dated", type=float, default=0.005, help="share whose wait ends")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2020, 8, 1))
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL database in which a throw-away schema is created",
    )
    args = parser.parse_args()
    day, next_day = args.as_of, args.as_of + timedelta(days=1)
    catalog = default_catalog()
    templates = pool(min(args.pool, args.count))
    with private_schema(args.postgres, "bench") as url:
        load_postgres(url, _dated(population(templates, args.count), args.dated, next_day))
        engine = make_engine(url)

        started = time.perf_counter()
        match_population(engine, catalog.in_force(day), day, connections=os.cpu_count() or 1)
        full = time.perf_counter() - started
        with Session(engine) as session:
            first = _state_rows(session)
        _analyze(engine)
        rewritten = _rewrite(engine, args.changed)

        by_change = []  # the same nightly three times: the first two rolled back
        for attempt in range(NIGHTLY_ROUNDS):
            with Session(engine, expire_on_commit=False) as session:
                started = time.perf_counter()
                nightly = advance(session, catalog, next_day)
                by_change.append(time.perf_counter() - started)
                if attempt < NIGHTLY_ROUNDS - 1:
                    session.rollback()
                else:
                    session.commit()
        with Session(engine) as session:
            held = _state_counts(session)

        started = time.perf_counter()
        again = match_population(engine, catalog.in_force(next_day), next_day, 2)
        rematch = time.perf_counter() - started
        assert again.id is not None
        with Session(engine) as session:
            expected = _run_counts(session, again.id)
            corrected = _last_reconciliation(session)

        latencies = sorted(_latency(engine, args.writes))
        engine.dispose()

    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; PostgreSQL")
    print(f"{args.count:,} enterprises; {rewritten:,} rewritten behind the state's back")
    print(f"first full run (snapshot + state): {full:.1f} s, {first:,} state rows")
    print(
        f"nightly by change: first {by_change[0]:.2f} s (pages not yet cached), median of "
        f"{NIGHTLY_ROUNDS} {statistics.median(by_change):.2f} s; {nightly.changed:,} pairs changed"
    )
    print(f"full re-match for comparison: {rematch:.1f} s; it corrected {corrected} pairs")
    print(
        f"state equals the full re-match, policy by policy: {'yes' if held == expected else 'NO'}"
    )
    p99 = latencies[min(len(latencies) - 1, round(0.99 * len(latencies)))]
    print(
        f"fact change → notices in the outbox ({len(latencies)} PUTs): "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
