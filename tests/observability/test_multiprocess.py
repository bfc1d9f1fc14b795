"""Several workers, one count: in multiprocess mode each process writes its counts to
``PROMETHEUS_MULTIPROC_DIR`` and a scrape in any of them adds them all up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from matcher.observability.metrics import MULTIPROCESS_DIR, multiprocess_directory

METRICS = (
    "from sqlalchemy import create_engine\n"
    "from matcher.observability.metrics import Metrics\n"
    "metrics = Metrics(create_engine('sqlite://'))\n"
)
ANSWER = METRICS + "metrics.http.observe('GET', '/api/v1/health', 200, 0.01)\n"
SCRAPE = METRICS + "print(metrics.exposition().decode())\n"


def _python(code: str, directory: Path) -> str:
    env = {**os.environ, MULTIPROCESS_DIR: str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.slow
def test_requests_answered_by_two_processes_are_scraped_from_a_third(tmp_path: Path) -> None:
    for _ in range(2):
        _python(ANSWER, tmp_path)
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(_python(SCRAPE, tmp_path))
        for sample in family.samples
    }
    labels = (("method", "GET"), ("route", "/api/v1/health"), ("status", "200"))
    assert samples[("matcher_http_requests_total", labels)] == 2
    assert samples[("matcher_http_request_duration_seconds_count", labels)] == 2
    assert samples[("matcher_state_up", ())] == 0, "that database holds no tables"


def test_serve_empties_the_directory_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_1234.db").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    with multiprocess_directory(workers=4):
        assert os.environ[MULTIPROCESS_DIR] == str(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_several_workers_get_a_directory_for_as_long_as_they_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR, raising=False)
    with multiprocess_directory(workers=1):
        assert MULTIPROCESS_DIR not in os.environ, "one process counts alone"
    with multiprocess_directory(workers=2):
        directory = Path(os.environ[MULTIPROCESS_DIR])
        assert directory.is_dir()
    assert not directory.exists() and MULTIPROCESS_DIR not in os.environ
