"""Drive the entitlement endpoint with concurrent clients against ``matcher serve``, on SQLite
and PostgreSQL.

Run: .venv/bin/python bench/api_load.py [--clients 50] [--seconds 60] [--workers 2]
     [--databases sqlite,postgresql]
Prints requests per second, p50, p99 and the error count per database. The load comes from
wrk (Debian package ``wrk``), a closed loop of ``--clients`` connections, each picking a random
enterprise of the 1,000 loaded for every request.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import demo_example, load_demo
from matcher.enterprises.repository import EnterpriseRepository
from matcher.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> tuple[str, list[str]]:
    """Migrate, load the demo data set and issue a staff token; return it and the codes."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session, demo_example(), count=1000)
        token, _ = issue_token(session, Role.STAFF, "bench")
        rows, _ = EnterpriseRepository(session).search(None, 0, 5000)
    engine.dispose()
    return token, [row["uscc"] for row in rows]


WRK_SCRIPT = """
local codes = {%s}
local token = "%s"
request = function()
  local code = codes[math.random(#codes)]
  return wrk.format("GET", "/api/v1/enterprises/" .. code .. "/entitlements?as_of=2026-11-01",
                    {["Authorization"] = "Bearer " .. token})
end
"""


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk duration {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def _percentile(which: str, output: str) -> str:
    """A row of wrk's latency distribution, which starts its line ("62.50%" in the thread
    statistics above it must not match "50%")."""
    found = re.search(rf"^\s+{which}%\s+(\S+)", output, re.MULTILINE)
    if found is None:
        raise ValueError(f"no {which}% latency in wrk's output:\n{output}")
    return found.group(1)


def drive(
    base: str, token: str, codes: list[str], clients: int, seconds: float
) -> dict[str, float]:
    """Run wrk (closed loop, ``clients`` connections) and read its figures."""
    return run_wrk(base, WRK_SCRIPT % (", ".join(f'"{c}"' for c in codes), token), clients, seconds)


def run_wrk(base: str, lua: str, clients: int, seconds: float) -> dict[str, float]:
    """Run wrk with the request script ``lua`` (closed loop, ``clients`` connections, two
    threads, or one for a single connection) and read its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua)
        script.flush()
        command = [
            "wrk",
            "--latency",
            "--timeout",
            "30s",
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{seconds:.0f}s",
            "-s",
            script.name,
            base,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = sum(
        int(n)
        for n in re.findall(
            r"(?:Non-2xx or 3xx responses:|timeout|read|write|connect) (\d+)", output
        )
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": _seconds(_percentile("50", output)),
        "p99": _seconds(_percentile("99", output)),
        "requests": float(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "errors": float(errors),
    }


@contextmanager
def serve(url: str, workers: int, settings: Mapping[str, str] = {}) -> Iterator[int]:
    """``matcher serve`` with ``workers`` processes, as an operator starts it, on the database
    at ``url`` (and ``settings``, more ``MATCHER_`` variables); yields its port once it
    answers. Logged at WARNING, as ``openfisca serve --log-level warning``: no line a request."""
    port = _free_port()
    env = {
        **os.environ,
        "MATCHER_DATABASE_URL": url,
        "MATCHER_ENVIRONMENT": "test",
        "MATCHER_LOG_LEVEL": "WARNING",
        **settings,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "matcher", "serve", "--port", str(port),
         "--workers", str(workers), "--no-demo"],
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(150):
            if server.poll() is not None:
                raise RuntimeError(f"matcher serve exited with {server.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait()


def report(name: str, figures: dict[str, float], enterprises: int) -> str:
    return (
        f"{name:<11} {figures['rps']:7.0f} req/s   p50 {figures['p50'] * 1000:6.1f} ms   "
        f"p99 {figures['p99'] * 1000:6.1f} ms   errors {figures['errors']:.0f}   "
        f"({figures['requests']:.0f} requests over {enterprises} enterprises)"
    )


def run(name: str, url: str, args: argparse.Namespace) -> None:
    token, codes = prepare(url)
    with serve(url, args.workers) as port:
        base = f"http://127.0.0.1:{port}"
        drive(base, token, codes, args.clients, 3)  # warm up
        figures = drive(base, token, codes, args.clients, args.seconds)
    print(report(name, figures, len(codes)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores; {args.clients} clients, {args.seconds:.0f} s, "
        f"{args.workers} workers (matcher serve); GET /api/v1/enterprises/{{uscc}}/entitlements"
    )
    for name in args.databases.split(","):
        with scratch_database(name, POSTGRES_URL) as url:
            run(name, url, args)


if __name__ == "__main__":
    main()
