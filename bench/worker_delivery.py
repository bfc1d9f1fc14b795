"""Sustained delivery rate of ``matcher worker`` (notices/s) to a local SMTP sink and to an
SMS webhook receiver, with one and with two worker processes, on PostgreSQL.

Run: .venv/bin/python bench/worker_delivery.py [--enterprises 400] [--workers 1,2]

The outbox is filled as bench/notices.py fills it (five changes per enterprise, each an
e-mail, an SMS and an in-app message), rendered, and then the workers are started with one
channel configured. The rate is the messages the sink accepted between its first and its last,
so the workers' start-up is not counted; every outcome is committed on its own (one
transaction per notice), which is what the rate mostly measures.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from notices import PAGE, POSTGRES_URL, prepare  # bench/notices.py, beside this file
from sqlmodel import Session

from matcher.db import make_engine, scratch_database
from matcher.migrate import upgrade
from matcher.notices.service import enqueue_rendered, notice_plan, render_pending

NOTICES_PER_ENTERPRISE_AND_CHANNEL = 5


class Arrivals:
    """When each message reached the sink."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    def add(self) -> None:
        with self.lock:
            self.times.append(time.perf_counter())

    def rate(self) -> float:
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


class SmtpSink:
    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrivals.add()
        return "250 OK"


@contextmanager
def smtp_sink(arrivals: Arrivals) -> Iterator[dict[str, str]]:
    with socket.socket() as probe:  # aiosmtpd needs the port before it listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(SmtpSink(arrivals), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {"MATCHER_SMTP_HOST": "127.0.0.1", "MATCHER_SMTP_PORT": str(port)}
    finally:
        controller.stop()


@contextmanager
def webhook_sink(arrivals: Arrivals) -> Iterator[dict[str, str]]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a gateway would
        disable_nagle_algorithm = True  # headers and body go in two writes

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            arrivals.add()
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"MATCHER_SMS_WEBHOOK_URL": f"http://127.0.0.1:{server.server_address[1]}/sms"}
    finally:
        server.shutdown()
        server.server_close()


SINKS = {"smtp": smtp_sink, "webhook": webhook_sink}


def run(sink: str, workers: int, enterprises: int) -> float:
    expected = enterprises * NOTICES_PER_ENTERPRISE_AND_CHANNEL
    with scratch_database("postgresql", POSTGRES_URL) as url:
        engine = make_engine(url)
        upgrade(engine)
        prepare(engine, enterprises)
        with Session(engine) as session:
            plan = notice_plan(session)
            assert plan is not None
            enqueue_rendered(session, plan, PAGE)
            render_pending(session, PAGE)
            session.commit()
        engine.dispose()
        arrivals = Arrivals()
        with SINKS[sink](arrivals) as channel:
            environment = os.environ | {"MATCHER_DATABASE_URL": url} | channel
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "matcher", "worker"],
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(workers)
            ]
            try:
                while len(arrivals.times) < expected:
                    assert all(p.poll() is None for p in processes), "a worker exited"
                    time.sleep(0.1)
            finally:
                for process in processes:
                    process.send_signal(signal.SIGTERM)
                for process in processes:
                    process.wait(timeout=60)
        assert len(arrivals.times) == expected, (len(arrivals.times), expected)
        return arrivals.rate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=400)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    expected = args.enterprises * NOTICES_PER_ENTERPRISE_AND_CHANNEL
    for sink in SINKS:
        for workers in map(int, args.workers.split(",")):
            rate = run(sink, workers, args.enterprises)
            print(f"{sink}: {expected:,} notices, {workers} worker(s): {rate:,.0f} notices/s")


if __name__ == "__main__":
    main()
