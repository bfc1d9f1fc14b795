"""The entitlement endpoint over HTTP beside OpenFisca's web API, at 1, 10 and 50 connections.

Run: .venv/bin/python -m bench.entitlements_http --openfisca /tmp/ofvenv/bin/openfisca
     [--connections 1,10,50] [--seconds 10] [--rounds 3] [--workers 2]
     [--databases sqlite,postgresql] [--uncached]

It installs nothing. OpenFisca runs in an environment of its own, outside the project's
dependencies; make one with
    python3 -m venv /tmp/ofvenv && /tmp/ofvenv/bin/pip install 'openfisca-core[web-api]'
and pass its ``openfisca`` executable with ``--openfisca``. ``openfisca serve`` (gunicorn, as
many workers as ours) serves the three rules of ``bench/openfisca_three_rules.py``; wrk posts one
of 50 varied enterprises to its ``/calculate`` for every request.

Ours: ``matcher serve --workers`` (``bench/api_load.py``'s ``serve``: each worker listens on a
socket of its own, see ``matcher/serving.py``), on SQLite and on PostgreSQL, each loaded with the
1,000 demo enterprises of ``bench/api_load.py``; wrk asks for a random one's entitlements on one
date, as staff. Each worker keeps the answers it has computed (``MATCHER_ENTITLEMENT_CACHE_MB``),
so the measured rounds follow a warm-up that asks for every enterprise on 12 connections at
once (a connection stays with one worker, so one connection would warm one); ``--uncached`` adds a
run of each database with the cache off (every request evaluates the whole catalog).

All servers run at once, and the rounds are interleaved (every server at every connection count,
then the next round), so that load from elsewhere on the machine falls on all of them alike.
Prints, for every server and connection count, the medians over the rounds of requests per
second, p50 and p99 latency, and the errors (summed); wrk (Debian package ``wrk``) drives the
load with two threads, one for a single connection.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.api_load import POSTGRES_URL, WRK_SCRIPT, _free_port, prepare, run_wrk, serve
from matcher.db import scratch_database

BENCH_DIR = Path(__file__).resolve().parent
RULES = ("small_enterprise", "in_good_standing", "startup_support")
PERIOD = "2026-11"

OPENFISCA_SCRIPT = """
local bodies = {%s}
request = function()
  return wrk.format("POST", "/calculate", {["Content-Type"] = "application/json"},
                    bodies[math.random(#bodies)])
end
"""


def openfisca_bodies(count: int, seed: int = 7) -> list[str]:
    """``count`` varied /calculate requests: one enterprise's facts, the three rules asked."""
    rng = random.Random(seed)
    bodies = []
    for index in range(count):
        facts = {
            "employees": rng.randrange(1, 400),
            "operating_revenue": rng.randrange(10**5, 10**8),
            "years_registered": rng.randrange(0, 10),
            "first_time_founder": rng.choice([True, False]),
            "operating": rng.random() < 0.95,
            "credit_blacklisted": rng.random() < 0.05,
        }
        enterprise = {name: {PERIOD: value} for name, value in facts.items()}
        enterprise.update({rule: {PERIOD: None} for rule in RULES})
        bodies.append(json.dumps({"enterprises": {f"e{index}": enterprise}}))
    return bodies


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


@contextmanager
def serve_openfisca(executable: str, workers: int) -> Iterator[int]:
    """``openfisca serve`` on the three-rule system; yields its port once it answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(BENCH_DIR)}
    server = subprocess.Popen(
        [executable, "serve", "--country-package", "openfisca_three_rules", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        env=env,
        cwd=BENCH_DIR,
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/spec", server)
        yield port
    finally:
        server.terminate()
        server.wait()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@dataclass
class Target:
    """A server under load: its name, address and wrk script, and its rounds so far."""

    name: str
    base: str
    lua: str
    rounds: dict[int, list[dict[str, float]]] = field(default_factory=dict)

    def run(self, clients: int, seconds: float) -> None:
        figures = run_wrk(self.base, self.lua, clients, seconds)
        self.rounds.setdefault(clients, []).append(figures)

    def report(self, clients: int) -> str:
        """Medians over the rounds at ``clients`` connections (errors summed)."""
        rounds = self.rounds[clients]
        rps, p50, p99 = (
            statistics.median(r[name] for r in rounds) for name in ("rps", "p50", "p99")
        )
        errors = sum(r["errors"] for r in rounds)
        return (
            f"{self.name:<28} {clients:>3} conn  {rps:7.0f} req/s  p50 {p50 * 1000:7.2f} ms"
            f"  p99 {p99 * 1000:7.2f} ms  errors {errors:.0f}"
        )


def warm(base: str, token: str, codes: list[str], connections: int = 12) -> None:
    """Ask for every enterprise on each of ``connections`` keep-alive connections at once, so
    that every worker holds every answer: a connection stays with the worker that accepted it,
    and all 12 land on one of two workers once in 2,048 runs."""
    headers = {"Authorization": f"Bearer {token}"}

    def every_enterprise(_: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for code in codes:
                client.get(f"/api/v1/enterprises/{code}/entitlements?as_of=2026-11-01")

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(every_enterprise, range(connections)))


@contextmanager
def ours(name: str, database: str, cache_mb: int, workers: int) -> Iterator[Target]:
    """Our app on a new database of kind ``database``, loaded and warmed."""
    with scratch_database(database, POSTGRES_URL) as url:
        token, codes = prepare(url)
        lua = WRK_SCRIPT % (", ".join(f'"{c}"' for c in codes), token)
        settings = {"MATCHER_ENTITLEMENT_CACHE_MB": str(cache_mb)}
        with serve(url, workers, settings) as port:
            base = f"http://127.0.0.1:{port}"
            if cache_mb:
                warm(base, token, codes)
            run_wrk(base, lua, 10, 3)
            yield Target(name, base, lua)


@contextmanager
def openfisca(executable: str, workers: int) -> Iterator[Target]:
    bodies = ", ".join(_lua_string(body) for body in openfisca_bodies(50))
    lua = OPENFISCA_SCRIPT % bodies
    with serve_openfisca(executable, workers) as port:
        base = f"http://127.0.0.1:{port}"
        run_wrk(base, lua, 10, 3)
        yield Target("openfisca (3 rules)", base, lua)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--openfisca", required=True, help="the openfisca executable")
    parser.add_argument("--connections", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--uncached", action="store_true", help="also run with the cache off")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}; {args.workers} workers each; {args.rounds} rounds of "
        f"{args.seconds:.0f} s, medians; python {sys.version.split()[0]}",
        flush=True,
    )
    with ExitStack() as servers:
        targets = [servers.enter_context(openfisca(args.openfisca, args.workers))]
        for database in args.databases.split(","):
            targets.append(
                servers.enter_context(ours(f"matcher {database}", database, 128, args.workers))
            )
            if args.uncached:
                name = f"matcher {database}, no cache"
                targets.append(servers.enter_context(ours(name, database, 0, args.workers)))
        for _ in range(args.rounds):  # rounds interleaved: the machine's load falls on all alike
            for clients in args.connections:
                for target in targets:
                    target.run(clients, args.seconds)
    for clients in args.connections:
        for target in targets:
            print(target.report(clients))
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
