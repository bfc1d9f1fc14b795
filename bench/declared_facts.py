"""What a declared fact costs the population matcher: one policy on columns, its twin on declared
facts, over the same enterprises, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/declared_facts.py [--count N] [--repeat R] [--postgres URL]

Generates N enterprises as bench/match_all.py does and copies five of their facts (a flag, an
integer, money, an enumeration, a date) into the declared-facts JSON column under other names.
A throw-away catalog declares those names in its fact file and holds two policies with the same
five criteria and amount, one reading the columns and one the declared facts. Each policy is
matched alone, R times in alternating order on one connection; the script prints the median
seconds of each, their ratio, and whether the two gave the same counts.
"""

import argparse
import copy
import statistics
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from match_all import load_postgres, load_sqlite, pool, population

from matcher.config import BUNDLED_CATALOG
from matcher.db import make_engine, private_schema
from matcher.policies.catalog import load_catalog
from matcher.policies.compile import CompiledPolicy
from matcher.population.service import PolicyTally, match_population
from matcher.serialization import to_json_value

TWINS = ("exporter", "export_rebate_class", "bank_credit_total", "credit_list", "registered_on")
FACTS = """\
facts:
  exporter_d: {type: bool, label: 有出口业务, authority: commerce, source: 基准测试}
  export_rebate_class_d: {type: int, label: 出口退税企业分类, authority: tax, source: 基准测试}
  bank_credit_total_d: {type: money, label: 授信总额, authority: finance, source: 基准测试}
  credit_list_d:
    type: enum
    label: 信用红黑榜
    values: {red: 红榜, black: 黑榜, none: 未上榜}
    authority: market_regulation
    source: 基准测试
  registered_on_d: {type: date, label: 登记注册日期, authority: market_regulation, source: 基准测试}
"""
CRITERIA = (
    "enterprise.exporter{s} == true",
    "enterprise.export_rebate_class{s} in [1, 2, 3]",
    "enterprise.bank_credit_total{s} <= 10000000",
    'enterprise.credit_list{s} != "black"',
    "years_between(enterprise.registered_on{s}, as_of) >= 1",
)
AMOUNT = "min(enterprise.bank_credit_total{s} * 0.01, 50000)"
POLICIES = {"on-columns": "", "on-declared-facts": "_d"}
Counts = tuple[int, int, int, Decimal]


def catalog_root() -> Path:
    """The fact file and the two policies, written over a copy of an existing policy file."""
    root = Path(tempfile.mkdtemp()) / "policies"
    (root / "bench").mkdir(parents=True)
    (root / "facts.yaml").write_text(FACTS, encoding="utf-8")
    [model] = (BUNDLED_CATALOG).glob("*/rnd-super-deduction.yaml")
    base = yaml.safe_load(model.read_text("utf-8"))
    for policy_id, suffix in POLICIES.items():
        policy = copy.deepcopy(base)
        template = policy["criteria"][0]
        policy.pop("parameters", None)
        policy.update(id=policy_id, title=policy_id)
        policy["benefit"]["amount"] = AMOUNT.format(s=suffix)
        policy["criteria"] = [
            template | {"id": f"c{index}", "expr": expr.format(s=suffix)}
            for index, expr in enumerate(CRITERIA)
        ]
        text = yaml.safe_dump(policy, allow_unicode=True, sort_keys=False)
        (root / "bench" / f"{policy_id}.yaml").write_text(text, encoding="utf-8")
    return root


def with_twins(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each row with five of its facts copied into its declared facts."""
    for row in rows:
        twins = {f"{name}_d": row[name] for name in TWINS if row[name] is not None}
        yield row | {"declared_facts": to_json_value(twins)}


def timed(url: str, policy: CompiledPolicy, as_of: date) -> tuple[float, Counts]:
    engine = make_engine(url)
    tallies: list[PolicyTally] = []
    match_population(engine, [policy], as_of, 1, tallies.append)
    engine.dispose()
    [t] = tallies
    return t.seconds, (t.eligible, t.undetermined, t.waiting, t.eligible_amount)


def measure(url: str, policies: list[CompiledPolicy], as_of: date, repeat: int) -> str:
    seconds: dict[str, list[float]] = {p.id: [] for p in policies}
    counts: dict[str, set[Counts]] = {p.id: set() for p in policies}
    for run in range(repeat):
        for policy in policies if run % 2 == 0 else policies[::-1]:
            spent, found = timed(url, policy, as_of)
            seconds[policy.id].append(spent)
            counts[policy.id].add(found)
    columns, declared = (statistics.median(seconds[p]) for p in POLICIES)
    same = len(counts["on-columns"] | counts["on-declared-facts"]) == 1
    return (
        f"columns {columns:5.2f} s   declared facts {declared:5.2f} s"
        f"   ratio {declared / columns:4.2f}   same counts: {'yes' if same else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=100_000, help="enterprises to generate")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each policy")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2020, 8, 1))
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL database in which a throw-away schema is created",
    )
    args = parser.parse_args()
    catalog = load_catalog(catalog_root())
    policies = [p for p in catalog if p.id in POLICIES]
    templates = pool(min(20_000, args.count))
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        load_sqlite(url, with_twins(population(templates, args.count)))
        results["SQLite"] = measure(url, policies, args.as_of, args.repeat)
    with private_schema(args.postgres, "bench") as url:
        load_postgres(url, with_twins(population(templates, args.count)))
        results["PostgreSQL"] = measure(url, policies, args.as_of, args.repeat)
    print(f"{args.count:,} enterprises; median of {args.repeat} runs per policy, one connection")
    for name, line in results.items():
        print(f"{name:<10} {line}")


if __name__ == "__main__":
    main()
