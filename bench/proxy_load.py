"""The entitlement endpoint through the nginx site (deploy/nginx/matcher.conf: TLS, proxy
headers, HTTP/1.1 keep-alive to the app) against the app directly (``matcher serve``), at
bench/api_load.py's load.

Run from the checkout: .venv/bin/python -m bench.proxy_load [--clients 50] [--seconds 15]
     [--rounds 3] [--workers 2] [--database sqlite|postgresql]
Both paths reach the same server, in alternating rounds so that the machine's noise falls on
both; prints each round and the medians. Needs Debian's nginx and wrk.
"""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench.api_load import POSTGRES_URL, drive, prepare, report, serve
from matcher.db import scratch_database
from tests.deploy.proxy import nginx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores; {args.clients} clients, {args.rounds} rounds of "
        f"{args.seconds:.0f} s per path, {args.workers} workers (matcher serve), {args.database}; "
        "GET /api/v1/enterprises/{uscc}/entitlements"
    )
    figures: dict[str, list[dict[str, float]]] = {"direct": [], "via nginx": []}
    with (
        scratch_database(args.database, POSTGRES_URL) as url,
        tempfile.TemporaryDirectory() as prefix,
    ):
        token, codes = prepare(url)
        with serve(url, args.workers) as port, nginx(port, Path(prefix)) as proxy:
            bases = {"direct": f"http://127.0.0.1:{port}", "via nginx": proxy.https}
            for base in bases.values():
                drive(base, token, codes, args.clients, 3)  # warm up
            for _ in range(args.rounds):
                for name, base in bases.items():
                    figures[name].append(drive(base, token, codes, args.clients, args.seconds))
                    print(report(name, figures[name][-1], len(codes)))
    for name, rounds in figures.items():
        rps = statistics.median(f["rps"] for f in rounds)
        p99 = statistics.median(f["p99"] for f in rounds)
        print(f"median {name:<11} {rps:7.0f} req/s   p99 {p99 * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
