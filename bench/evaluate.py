"""Catalog load time, and the time to evaluate the whole catalog for one profile (traces included).

Run: .venv/bin/python bench/evaluate.py [--iterations N]
"""

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from matcher.eligibility.evaluate import evaluate
from matcher.policies.catalog import load_catalog
from matcher.profiles.model import EnterpriseProfile, Founder
from matcher.profiles.parse import parse_profile

INDUSTRIES = [
    "C3130",
    "C3252",
    "C1391",
    "E4710",
    "F5211",
    "F5124",
    "I6510",
    "K7010",
    "H6210",
    "A0111",
]


def profiles(count: int, seed: int = 7) -> list[EnterpriseProfile]:
    """Varied profiles, some with facts missing, so every path of the evaluator runs."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        data = {
            "uscc": "91419001MA4000000C",
            "name": "基准企业",
            "entity_type": rng.choice(["company", "individual_business"]),
            "registered_on": date(2015, 1, 1) + timedelta(days=rng.randrange(2000)),
            "operating_status": "operating",
            "industry_code": rng.choice(INDUSTRIES),
            "employees": rng.choice([None, rng.randrange(1, 2000)]),
            "new_hires": rng.randrange(0, 50),
            "operating_revenue": Decimal(rng.randrange(10**5, 10**9)),
            "total_assets": rng.choice([None, Decimal(rng.randrange(10**5, 10**9))]),
            "fiscal_year": rng.choice([2020, 2021, 2023]),
            "annual_taxable_income": Decimal(rng.randrange(0, 5 * 10**6)),
            "restricted_industry": False,
            "high_tech_certified": rng.choice([True, False, None]),
            "tech_sme_registered": rng.choice([True, False]),
            "rnd_expenses": Decimal(rng.randrange(0, 10**6)),
            "credit_list": rng.choice(["red", "none", "black"]),
            "exporter": rng.choice([True, False]),
            "export_rebate_class": rng.randrange(1, 5),
            "construction_qualified": rng.choice([True, False, None]),
            "patents": rng.randrange(0, 5),
            "bank_credit_total": Decimal(rng.randrange(0, 2 * 10**7)),
            "in_incubation_base": rng.choice([True, False]),
            "in_provincial_industrial_park": rng.choice([True, False]),
            "founders": [{"first_time_founder": rng.choice([True, False])}],
        }
        result.append(parse_profile(data))
    assert all(isinstance(f, Founder) for p in result for f in p.founders)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=20000)
    args = parser.parse_args()

    started = time.perf_counter()
    catalog = load_catalog()
    first_load = time.perf_counter() - started
    reloads = []
    for _ in range(5):
        started = time.perf_counter()
        load_catalog()
        reloads.append(time.perf_counter() - started)

    sample = profiles(200)
    as_of = date(2021, 6, 1)
    for profile in sample[:50]:
        evaluate(profile, as_of, catalog)  # warm up
    timings = []
    for index in range(args.iterations):
        profile = sample[index % len(sample)]
        started = time.perf_counter_ns()
        evaluate(profile, as_of, catalog)
        timings.append(time.perf_counter_ns() - started)
    timings.sort()
    criteria = sum(len(p.criteria) for p in catalog)
    print(f"machine: {os.cpu_count()} cores")
    print(f"catalog: {len(catalog)} policies, {criteria} criteria")
    print(f"catalog load (first, cold caches): {first_load * 1000:.1f} ms")
    print(f"catalog load (median of 5 reloads): {statistics.median(reloads) * 1000:.1f} ms")
    print(f"evaluate whole catalog, one profile, with traces ({args.iterations} runs):")
    print(f"  median {statistics.median(timings) / 1000:.1f} µs")
    print(f"  p99    {timings[int(len(timings) * 0.99)] / 1000:.1f} µs")


if __name__ == "__main__":
    main()
