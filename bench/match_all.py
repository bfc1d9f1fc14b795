"""`matcher match-all` on a generated population, on SQLite and PostgreSQL, against polars.

Run: .venv/bin/python bench/match_all.py [--count N] [--as-of YYYY-MM-DD] [--postgres URL]

Generates N enterprises (a pool of varied profiles from bench/evaluate.py, each row derived
by the application's own code, repeated under fresh 统一社会信用代码), bulk-loads them
(executemany on SQLite, COPY on PostgreSQL, into a throw-away file and schema), times the
`match-all` command with the whole seed catalog on each database, then times the same
fourteen policies written by hand as vectorized polars expressions over the same rows,
checks that every count agrees, and prints the ratios. Needs polars (benchmark only).
"""

import argparse
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import psycopg
from evaluate import profiles as varied_profiles
from psycopg.types.json import Jsonb
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlmodel import Session, col
from stdnum.cn import uscc as uscc_code

from matcher.config import settings
from matcher.db import default_engine, make_engine, private_schema
from matcher.enterprises.repository import row_values
from matcher.enterprises.tables import enterprises, now
from matcher.migrate import upgrade
from matcher.population import cli
from matcher.population.repository import MatchRepository
from matcher.population.tables import MatchRun

JIYUAN, ZHENGZHOU = "419001", "410100"
COLUMNS = [c.name for c in enterprises.columns]
JSON_COLUMNS = {"declared_facts"}
Counts = dict[str, tuple[int, int, int, Decimal]]
"""Per policy: eligible, undetermined, not eligible until a known date, eligible amount."""


def _uscc(region: str, serial: int) -> str:
    body = f"91{region}MA{serial:07d}"
    return body + uscc_code.calc_check_digit(body)


def pool(size: int) -> list[dict[str, Any]]:
    """Varied rows, one in ten registered outside 济源, exactly as the application derives them."""
    rows = []
    for serial, profile in enumerate(varied_profiles(size), start=1):
        region = ZHENGZHOU if serial % 10 == 0 else JIYUAN
        row = row_values(profile.model_copy(update={"uscc": _uscc(region, serial)}))
        rows.append(row | {"created_at": now(), "updated_at": now(), "version": 1})
    return rows


def population(templates: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    """``count`` rows cycling through ``templates``, each with its own id, code and name."""
    for index in range(count):
        template = templates[index % len(templates)]
        code = _uscc(template["uscc"][2:8], index + 1)
        yield template | {"id": index + 1, "uscc": code, "name": f"企业{index + 1}"}


def load_sqlite(url: str, rows: Iterable[dict[str, Any]]) -> None:
    """executemany through sqlite3, each value bound the way SQLAlchemy binds it."""
    engine = make_engine(url)
    upgrade(engine)
    dialect = engine.dialect
    binds = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in enterprises.columns]
    engine.dispose()

    def bound(row: dict[str, Any]) -> tuple[Any, ...]:
        values = (row[c] for c in COLUMNS)
        return tuple(
            v if b is None or v is None else b(v) for v, b in zip(values, binds, strict=True)
        )

    placeholders = ", ".join("?" * len(COLUMNS))
    connection = sqlite3.connect(str(make_url(url).database))
    with connection:
        connection.executemany(
            f"INSERT INTO enterprises ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            map(bound, rows),
        )
    connection.execute("ANALYZE")
    connection.close()


def load_postgres(url: str, rows: Iterable[dict[str, Any]]) -> None:
    upgrade(make_engine(url))
    parsed = make_url(url)
    options = parsed.query.get("options")
    with psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        dbname=parsed.database,
        options=options if isinstance(options, str) else "",
    ) as connection:
        copy_sql = f"COPY enterprises ({', '.join(COLUMNS)}) FROM STDIN"
        with connection.cursor().copy(copy_sql) as copy:
            for row in rows:
                copy.write_row([Jsonb(row[c]) if c in JSON_COLUMNS else row[c] for c in COLUMNS])
        connection.execute("ANALYZE enterprises")


def match_all(url: str, as_of: date) -> tuple[float, Counts]:
    """Time the `match-all` command against ``url``; the counts of the run it wrote."""
    os.environ["MATCHER_DATABASE_URL"] = url
    settings.cache_clear()
    default_engine.cache_clear()
    started = time.perf_counter()
    cli.match_all(as_of=as_of.isoformat(), policy=None)
    seconds = time.perf_counter() - started
    with Session(default_engine()) as session:
        run = session.execute(select(MatchRun).order_by(col(MatchRun.id).desc())).scalars().first()
        assert run is not None and run.id is not None
        counts = {
            t.policy_id: (t.eligible, t.undetermined, t.waiting, t.eligible_amount)
            for t in MatchRepository(session).tallies(run.id)
        }
    default_engine().dispose()
    return seconds, counts


# The seed catalog written by hand, as a data engineer would without the rule compiler.

FLAGS = [
    "construction_qualified",
    "exporter",
    "registered_in_jiyuan",
    "high_tech_certified",
    "tech_sme_registered",
    "has_operated",
    "debts_settled",
    "small_low_profit",
    "in_incubation_base",
    "founder_first_time",
    "in_provincial_industrial_park",
]
TEXTS = ["credit_list", "size_class", "operating_status", "entity_type"]
NUMBERS = ["export_rebate_class", "patents", "employees"]
MONEY = ["bank_credit_total", "rnd_expenses", "small_low_profit_saving"]
DECLARED = [
    ("founder_target_group", pl.String),
    ("qualifying_new_hires", pl.Int64),
    ("new_hires_contracts_one_year", pl.Boolean),
    ("wage_insurance_arrears", pl.Boolean),
]
"""Facts of matcher/catalog/jiyuan-2020/facts.yaml, read from the ``declared_facts`` column."""
SUBSIDY_GROUPS = ["student_graduate", "hard_to_employ", "poor_household", "returning_migrant"]
LOAN_GROUPS = [
    *SUBSIDY_GROUPS,
    "veteran",
    "registered_unemployed",
    "released_prisoner",
    "overcapacity_worker",
    "online_merchant",
    "rural_farmer",
]


def frame(templates: list[dict[str, Any]], count: int) -> pl.DataFrame:
    """The rows of :func:`population` with the columns the catalog reads; money in fen."""
    columns = [
        *((name, pl.Boolean) for name in FLAGS),
        *((name, pl.String) for name in TEXTS),
        *((name, pl.Int64) for name in NUMBERS),
        ("registered_on", pl.Date),
    ]
    data = {name: pl.Series(name, [t[name] for t in templates], kind) for name, kind in columns}
    for name, kind in DECLARED:
        declared = [(t["declared_facts"] or {}).get(name) for t in templates]
        data[name] = pl.Series(name, declared, kind)
    for name in MONEY:
        fen = [None if t[name] is None else int(t[name] * 100) for t in templates]
        data[f"{name}_fen"] = pl.Series(f"{name}_fen", fen, pl.Int64)
    base = pl.DataFrame(data)
    return base.select(pl.all().gather(pl.int_range(0, count) % len(templates)))


def _status(*criteria: pl.Expr) -> pl.Expr:
    """Any criterion false: not eligible; else any unknown: undetermined; else eligible."""
    codes = [pl.when(c).then(1).when(c.not_()).then(0).otherwise(2) for c in criteria]
    return (
        pl.when(pl.min_horizontal(codes) == 0)
        .then(pl.lit("not_eligible"))
        .when(pl.max_horizontal(codes) == 2)
        .then(pl.lit("undetermined"))
        .otherwise(pl.lit("eligible"))
    )


def _add_a_year(day: pl.Expr) -> pl.Expr:
    """29 February falls on 1 March (polars would say 28 February)."""
    leap_day = (day.dt.month() == 2) & (day.dt.day() == 29)
    moved = day.dt.offset_by("1y")
    return pl.when(leap_day).then(moved.dt.offset_by("1d")).otherwise(moved)


def by_hand(as_of: date) -> dict[str, tuple[pl.Expr, pl.Expr | None, pl.Expr | None]]:
    """Per policy: status, amount in fen, and the date time alone makes it eligible."""
    c = pl.col
    claim = pl.lit(None).cast(pl.Boolean)  # a population run has no applications
    small_micro = c("size_class").is_in(["small", "micro"])
    operating = c("operating_status") == "operating"
    as_of_number = as_of.year * 10000 + as_of.month * 100 + as_of.day
    registered = c("registered_on")
    registered_number = sum(
        part.cast(pl.Int64) * weight
        for part, weight in (
            (registered.dt.year(), 10000),
            (registered.dt.month(), 100),
            (registered.dt.day(), 1),
        )
    )
    one_year = (as_of_number - registered_number) // 10000 >= 1
    high_tech = c("high_tech_certified")
    rate = pl.when(high_tech).then(15).when(high_tech.not_()).then(25)
    ratio = pl.when(c("employees") > 100).then(8).when(c("employees") <= 100).then(15)
    startup = [
        c("registered_in_jiyuan"),
        c("in_incubation_base"),
        c("founder_first_time"),
        c("founder_target_group").is_in(SUBSIDY_GROUPS),
        operating,
    ]
    # Only time stands in the way when no other criterion fails (an unknown one may hold).
    waits = pl.all_horizontal([s.fill_null(True) for s in startup]) & one_year.not_()
    borrower_in_group = c("founder_target_group").is_in(LOAN_GROUPS)
    return {
        "construction-guarantee-letter": (_status(c("construction_qualified")), None, None),
        "credit-green-channel": (_status(c("credit_list") == "red"), None, None),
        "export-rebate-fast-processing": (
            _status(c("exporter"), c("export_rebate_class").is_in([1, 2, 3])),
            None,
            None,
        ),
        "inclusive-small-micro-loan": (
            _status(small_micro, c("bank_credit_total_fen") <= 1_000_000_000),
            None,
            None,
        ),
        "patent-pledge-subsidy": (
            _status(c("registered_in_jiyuan"), c("patents") >= 1, claim, claim),
            None,
            None,
        ),
        "procurement-small-micro-reservation": (_status(small_micro, operating), None, None),
        "procurement-sme-reservation": (
            _status(c("size_class").is_in(["medium", "small", "micro"]), operating),
            None,
            None,
        ),
        "rnd-super-deduction": (
            _status(high_tech | c("tech_sme_registered"), c("rnd_expenses_fen") > 0),
            (c("rnd_expenses_fen") * 75 * rate + 5000) // 10000,
            None,
        ),
        "simplified-deregistration": (
            _status(
                c("entity_type") == "company",
                c("operating_status") != "closed",
                c("has_operated").not_() | c("debts_settled"),
            ),
            None,
            None,
        ),
        "small-low-profit-income-tax": (
            _status(c("small_low_profit")),
            c("small_low_profit_saving_fen"),
            None,
        ),
        "startup-guarantee-loan": (
            _status(
                borrower_in_group | small_micro,
                borrower_in_group | (c("qualifying_new_hires") * 100 >= c("employees") * ratio),
                borrower_in_group | c("new_hires_contracts_one_year"),
                borrower_in_group | c("wage_insurance_arrears").not_(),
            ),
            None,
            None,
        ),
        "startup-subsidy": (
            _status(*startup, one_year),
            pl.lit(500_000, dtype=pl.Int64),
            pl.when(waits & (_add_a_year(registered) >= date(2020, 6, 22))).then(
                _add_a_year(registered)
            ),
        ),
        "tech-transfer-subsidy": (_status(c("registered_in_jiyuan"), *[claim] * 4), None, None),
        "zero-investment-power-connection": (
            _status(c("in_provincial_industrial_park")),
            None,
            None,
        ),
    }


def run_by_hand(data: pl.DataFrame, as_of: date) -> tuple[float, Counts]:
    """Time the hand-written rules over ``data``; their counts, computed afterwards."""
    columns = []
    for policy_id, (status, amount, waiting) in by_hand(as_of).items():
        columns.append(status.alias(f"{policy_id}|status"))
        if waiting is not None:
            columns.append(waiting.alias(f"{policy_id}|from"))
        if amount is not None:
            kept = (status != "not_eligible") | (
                waiting.is_not_null() if waiting is not None else False
            )
            columns.append(pl.when(kept).then(amount).alias(f"{policy_id}|amount"))
    started = time.perf_counter()
    result = data.lazy().select(columns).collect()
    seconds = time.perf_counter() - started

    counts: Counts = {}
    for policy_id in by_hand(as_of):
        status = result[f"{policy_id}|status"]
        eligible = status == "eligible"
        waiting = 0
        if f"{policy_id}|from" in result.columns:
            waiting = int(
                ((status == "not_eligible") & result[f"{policy_id}|from"].is_not_null()).sum()
            )
        amount = Decimal(0)
        if f"{policy_id}|amount" in result.columns:
            amount = Decimal(int(result[f"{policy_id}|amount"].filter(eligible).sum() or 0)) / 100
        undetermined = int((status == "undetermined").sum())
        counts[policy_id] = (
            int(eligible.sum()),
            undetermined,
            waiting,
            amount.quantize(Decimal("0.01")),
        )
    return seconds, counts


def on_sqlite(
    templates: list[dict[str, Any]], count: int, as_of: date
) -> tuple[float, float, Counts]:
    """Load time, match-all time and counts, in a throw-away SQLite file."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        started = time.perf_counter()
        load_sqlite(url, population(templates, count))
        loaded = time.perf_counter() - started
        return (loaded, *match_all(url, as_of))


def on_postgres(
    templates: list[dict[str, Any]], count: int, as_of: date, server: str
) -> tuple[float, float, Counts]:
    """Load time, match-all time and counts, in a throw-away schema on ``server``."""
    with private_schema(server, "bench") as url_text:
        started = time.perf_counter()
        load_postgres(url_text, population(templates, count))
        loaded = time.perf_counter() - started
        return (loaded, *match_all(url_text, as_of))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1_000_000, help="enterprises to generate")
    parser.add_argument("--pool", type=int, default=20_000, help="distinct profiles among them")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2020, 8, 1))
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL database in which a throw-away schema is created",
    )
    args = parser.parse_args()
    templates = pool(min(args.pool, args.count))
    runs = {
        "SQLite": on_sqlite(templates, args.count, args.as_of),
        "PostgreSQL": on_postgres(templates, args.count, args.as_of, args.postgres),
    }
    by_hand_seconds, by_hand_counts = run_by_hand(frame(templates, args.count), args.as_of)

    print(f"machine: {os.cpu_count()} cores; as of {args.as_of}; {args.count:,} enterprises")
    for name, (loaded, seconds, _) in runs.items():
        per_million = seconds * 1_000_000 / args.count
        print(
            f"{name:<10} load {loaded:6.1f} s   match-all {seconds:6.1f} s"
            f" ({per_million:.1f} s per million)   {seconds / by_hand_seconds:5.1f}x polars"
        )
    threads = pl.thread_pool_size()
    print(f"{'polars':<10} the 14 policies by hand: {by_hand_seconds:.2f} s ({threads} threads)")
    disagreements = [
        f"  {policy_id}: {name} {counts.get(policy_id)}, polars {expected}"
        for name, (_, _, counts) in runs.items()
        for policy_id, expected in by_hand_counts.items()
        if counts.get(policy_id) != expected
    ]
    print(f"every count agrees: {'NO' if disagreements else 'yes'}", *disagreements, sep="\n")


if __name__ == "__main__":
    main()
