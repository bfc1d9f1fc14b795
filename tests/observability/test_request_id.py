"""Every request has an id: the proxy's when well-formed, else a new one; echoed in the
answer's X-Request-ID and on every line logged on its behalf."""

import json
import logging

import pytest
from fastapi.testclient import TestClient

from matcher.observability.request_id import accept, job
from tests.conftest import Api
from tests.observability.conftest import Logs

HEX_ID = r"[0-9a-f]{32}"


@pytest.mark.parametrize("incoming", ["abc-123", "5f0c6f3e-1a2b-4c3d-9e8f-0a1b2c3d4e5f", "a"])
def test_a_well_formed_id_is_kept(incoming: str) -> None:
    assert accept(incoming) == incoming


@pytest.mark.parametrize(
    "incoming", [None, "", "a" * 129, "two words", "line\nbreak", '"quoted"', "中文", "-lead"]
)
def test_anything_else_gets_a_new_id(incoming: str | None) -> None:
    replaced = accept(incoming)
    assert replaced != incoming
    assert len(replaced) == 32 and int(replaced, 16) >= 0


def test_the_id_is_echoed_and_on_the_request_line(api: Api, logs: Logs) -> None:
    response = api.client.get(
        "/api/v1/policies/startup-subsidy", headers={"X-Request-ID": "req-42"}
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "req-42"
    (line,) = logs.access()
    assert line["request_id"] == "req-42"
    assert {k: line[k] for k in ("level", "method", "route", "status", "client")} == {
        "level": "INFO",
        "method": "GET",
        "route": "/api/v1/policies/{policy_id}",
        "status": 200,
        "client": "testclient",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /api/v1/policies/{policy_id} 200 ")


@pytest.mark.parametrize("incoming", [None, "not well formed"])
def test_a_request_without_a_usable_id_gets_one(api: Api, logs: Logs, incoming: str | None) -> None:
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    response = api.client.get("/api/v1/health", headers=headers)
    given = response.headers["X-Request-ID"]
    assert given != incoming and len(given) == 32
    (line,) = logs.access()
    assert line["request_id"] == given


def test_every_answer_is_logged_by_its_route_template(api: Api, logs: Logs) -> None:
    assert api.client.get("/api/v1/claims/12345", headers=api.headers("staff")).status_code == 404
    assert api.client.get("/no/such/page/mt_secret").status_code == 404
    assert api.client.get("/static/app.css").status_code == 200
    assert api.client.get("/openapi.json").status_code == 200
    assert api.client.get("/policies").status_code == 200
    routes = [(line["route"], line["status"]) for line in logs.access()]
    assert routes == [
        ("/api/v1/claims/{claim_id}", 404),
        ("unmatched", 404),
        ("/static/{path}", 200),
        ("/openapi.json", 200),
        ("/policies", 200),
    ]
    assert not any("mt_secret" in json.dumps(line) for line in logs.access()), "no raw path"


def test_a_job_logs_under_its_own_id(logs: Logs) -> None:
    log = logging.getLogger("matcher.test")
    with job("ledger") as identifier:
        log.info("inside")
    log.info("outside")
    started, inside, outside = logs.lines()
    assert identifier.startswith("ledger-")
    assert (started["message"], started["job_id"]) == ("ledger started", identifier)
    assert inside["job_id"] == identifier
    assert "job_id" not in outside and "request_id" not in outside


def test_an_unexpected_error_is_logged_under_the_request_id_with_secrets_masked(
    api: Api, logs: Logs
) -> None:
    def boom() -> None:
        raise RuntimeError("founder 11010519491231002X")

    api.client.app.add_api_route("/api/v1/boom", boom)  # type: ignore[attr-defined]
    client = TestClient(api.client.app, raise_server_exceptions=False)
    response = client.get("/api/v1/boom", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    ours = ("matcher.api.errors", "matcher.access")
    access, error = [line for line in logs.lines() if line["logger"] in ours]
    assert (error["message"], error["request_id"]) == ("unhandled error", "req-500")
    assert "RuntimeError: founder [redacted]" in error["exc_info"]
    assert (access["route"], access["status"], access["request_id"]) == (
        "/api/v1/boom",
        500,
        "req-500",
    )
