"""Log capture, /metrics scraping, and the notice and payout fixtures the gauges are moved with."""

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from matcher.config import Settings
from matcher.observability.logs import configure_logging
from tests.notices.conftest import inbox, notice_config, published, smtp, webhook  # noqa: F401
from tests.payouts.conftest import api_catalog, file_claim, window  # noqa: F401


@dataclass
class Logs:
    """Everything logged to standard error since the test configured logging."""

    capture: pytest.CaptureFixture[str]
    text: str = ""

    def read(self) -> str:
        self.text += self.capture.readouterr().err
        return self.text

    def lines(self) -> list[dict[str, Any]]:
        """Every line, parsed: each must be one JSON object."""
        return [json.loads(line) for line in self.read().splitlines()]

    def access(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["logger"] == "matcher.access"]


@pytest.fixture
def logs(capsys: pytest.CaptureFixture[str]) -> Iterator[Logs]:
    """JSON logging of every level, as production configures it, captured."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(Settings(log_format="json", log_level="DEBUG"))
    capsys.readouterr()
    yield Logs(capsys)
    root.handlers[:] = handlers
    root.setLevel(level)


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient) -> Samples:
    """``/metrics`` as a loopback client sees it: (sample name, labels) → value."""
    local = TestClient(client.app, client=("127.0.0.1", 50000))
    response = local.get("/metrics")
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))
