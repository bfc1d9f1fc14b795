"""Prometheus metrics: HTTP requests by method, route template and status, and the service's
state read from the database at scrape time (:mod:`matcher.observability.state`).

With several uvicorn workers each process counts its own requests, and a scrape reaches one
of them. prometheus_client's multiprocess mode fixes that: with ``PROMETHEUS_MULTIPROC_DIR``
set, every process writes its counts to files there and a scrape, whichever worker answers
it, adds them all up. :func:`multiprocess_directory` sets it up for ``matcher serve``.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine

from matcher.observability.state import ServiceState

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds: most answers take milliseconds; an import or an export, seconds."""


class HttpMetrics:
    """What each HTTP request adds: a count and its latency."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        labels = ("method", "route", "status")
        self.requests = Counter(
            "matcher_http_requests", "HTTP requests answered", labels, registry=registry
        )
        self.latency = Histogram(
            "matcher_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer",
            labels,
            registry=registry,
            buckets=LATENCY_BUCKETS,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)


class Metrics:
    """One app's metrics: what its requests add, and the registry a scrape reads."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        if os.environ.get(MULTIPROCESS_DIR):
            # Every process's counts are in the directory's files: read them all back, and
            # register this process's own counters nowhere, or they would be counted twice.
            MultiProcessCollector(self.registry)  # type: ignore[no-untyped-call]
            self.http = HttpMetrics(registry=None)
        else:
            self.http = HttpMetrics(self.registry)
        self.registry.register(ServiceState(engine))

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)


@contextmanager
def multiprocess_directory(workers: int) -> Iterator[None]:
    """Run the workers of ``matcher serve`` in multiprocess mode when there are several.

    A ``PROMETHEUS_MULTIPROC_DIR`` the operator set is emptied of the last run's files (as
    prometheus_client asks); with none set, several workers get a temporary directory, removed
    when they stop. The workers inherit the environment and read it when they start.
    """
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        yield
    elif workers > 1:
        with tempfile.TemporaryDirectory(prefix="matcher-metrics-") as directory:
            os.environ[MULTIPROCESS_DIR] = directory
            try:
                yield
            finally:
                del os.environ[MULTIPROCESS_DIR]
    else:
        yield
