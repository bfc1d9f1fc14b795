"""The policy sandbox (政策沙盘) on a generated population on PostgreSQL.

Run: .venv/bin/python bench/sandbox.py [--count N ...] [--as-of YYYY-MM-DD] [--postgres URL]

For each count, generates the population as bench/match_all.py does (a pool of varied
profiles, each row derived by the application's own code, repeated under fresh codes),
COPYs it into a throw-away schema, and times the sandbox on two drafts of seed policies, each
compared with the current version: 一次性开业补贴 with its amount doubled, and 高新技术企业
所得税优惠 with its preferential rate cut from 15% to 10% (a dated parameter; the amount grows
for every eligible enterprise with taxable income). Prints the median of three runs, the
machine's cores and load.
"""

import argparse
import os
import statistics
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

from match_all import load_postgres, pool, population

from matcher.config import BUNDLED_CATALOG
from matcher.db import make_engine, private_schema
from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import default_catalog
from matcher.sandbox.service import run_sandbox

RUNS = 3
DRAFTS = {
    "开业补贴 amount ×2": ("jiyuan-2020/startup-subsidy.yaml", 'amount: "5000"', 'amount: "10000"'),
    "高新技术企业 rate 15%→10%": (
        "national-tax/high-tech-income-tax-rate.yaml",
        'value: "0.15"',
        'value: "0.10"',
    ),
}


def rows(templates: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    """match_all's population, with any column it does not fill at its server default."""
    defaults = {c.name: c.server_default.arg for c in enterprises.columns if c.server_default}  # type: ignore[attr-defined]
    for row in population(templates, count):
        yield defaults | row


def draft_text(relative: str, old: str, new: str) -> str:
    text = (BUNDLED_CATALOG / relative).read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pool", type=int, default=20_000, help="distinct profiles among them")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL database in which a throw-away schema is created",
    )
    args = parser.parse_args()
    catalog = default_catalog()
    templates = pool(min(args.pool, max(args.count)))
    print(f"machine: {os.cpu_count()} cores; as of {args.as_of}; median of {RUNS} runs")
    for count in args.count:
        with private_schema(args.postgres, "bench") as url:
            started = time.perf_counter()
            load_postgres(url, rows(templates, count))
            loaded = time.perf_counter() - started
            engine = make_engine(url)
            for name, edit in DRAFTS.items():
                text = draft_text(*edit)
                seconds = []
                for _ in range(RUNS):
                    report = run_sandbox(engine, catalog, text, args.as_of)
                    seconds.append(report.seconds)
                assert report.enterprises == count and report.comparison is not None
                load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
                median = statistics.median(seconds)
                print(
                    f"{count:>9,} enterprises  {name:<20} sandbox {median:6.2f} s"
                    f"  (runs {', '.join(f'{s:.2f}' for s in seconds)}; load {load};"
                    f" eligible {report.figures.eligible:,},"
                    f" gaining {report.comparison.gaining:,})"
                )
            engine.dispose()
            print(f"{count:>9,} enterprises  loaded in {loaded:.1f} s")


if __name__ == "__main__":
    main()
