"""``/metrics``: request counts and latencies by method, route template and status, and the
service's state, which moves when a notice fails for good, a claim goes overdue, a match run
finishes or the ledger is verified. Loopback clients only, unless a token is configured."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

import matcher.cli
from matcher import clock
from matcher.app import create_app
from matcher.config import Settings
from matcher.notices.channels import open_senders
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel, OutboxNotice
from matcher.notices.worker import RetryPolicy, deliver
from matcher.policies.catalog import default_catalog
from tests.conftest import OTHER_USCC, Api
from tests.notices.conftest import PAGE
from tests.notices.factories import queue_news
from tests.notices.receivers import Webhook
from tests.observability.conftest import scrape, value
from tests.payouts.conftest import FOUNDER, File, any_policy_claimable, decide

ROUTE = {"method": "GET", "route": "/api/v1/policies/{policy_id}", "status": "200"}


def test_requests_are_counted_and_timed_by_route_template(api: Api) -> None:
    before = scrape(api.client)
    for policy_id in ("startup-subsidy", "rnd-super-deduction"):
        assert api.client.get(f"/api/v1/policies/{policy_id}").status_code == 200
    after = scrape(api.client)
    for name in ("matcher_http_requests_total", "matcher_http_request_duration_seconds_count"):
        assert (value(after, name, **ROUTE) or 0) - (value(before, name, **ROUTE) or 0) == 2
    assert (value(after, "matcher_http_request_duration_seconds_sum", **ROUTE) or 0) > 0
    assert value(after, "matcher_state_up") == 1


def test_remote_clients_and_forwarded_requests_are_refused_without_a_token(api: Api) -> None:
    local = TestClient(api.client.app, client=("127.0.0.1", 50000))
    for client, headers in ((api.client, {}), (local, {"X-Forwarded-For": "203.0.113.9"})):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert local.get("/metrics", headers={"Forwarded": "for=203.0.113.9"}).status_code == 403
    assert local.get("/metrics").status_code == 200


def test_with_a_token_any_client_that_has_it_is_let_in(engine: Engine) -> None:
    config = Settings(database_url="sqlite://", metrics_token="scrape-secret-0123456789")
    with TestClient(create_app(config, engine, default_catalog())) as client:
        assert client.get("/metrics").status_code == 401
        wrong = {"Authorization": "Bearer scrape-secret-x"}
        assert client.get("/metrics", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer scrape-secret-0123456789"}
        response = client.get("/metrics", headers=right)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")


def test_a_notice_failing_for_good_and_a_finished_run_move_the_gauges(
    api: Api, published: Engine, webhook: Webhook, notice_config: NoticeSettings
) -> None:
    empty = scrape(api.client)
    assert value(empty, "matcher_notices_failed") == 0
    assert value(empty, "matcher_notice_outbox_depth", status="pending") == 0
    assert value(empty, "matcher_match_run_last_finished_age_seconds") is None
    queued = queue_news(published, 1, PAGE)
    waiting = scrape(api.client)
    assert value(waiting, "matcher_notice_outbox_depth", status="pending") == queued
    assert (value(waiting, "matcher_match_run_last_finished_age_seconds") or -1) >= 0

    with Session(published) as session:
        sms = session.exec(select(OutboxNotice).where(OutboxNotice.channel == Channel.SMS)).one()
    assert sms.address is not None
    webhook.script[sms.address] = [400]  # the gateway refuses the number: failed for good
    with open_senders(notice_config) as senders:
        only_sms = {Channel.SMS: senders[Channel.SMS]}
        tally = deliver(published, only_sms, notice_config.lease, RetryPolicy(base=timedelta(0)))
    assert tally.failed == 1
    failed = scrape(api.client)
    assert value(failed, "matcher_notices_failed") == 1
    assert value(failed, "matcher_notice_outbox_depth", status="pending") == queued - 1
    assert value(failed, "matcher_notice_outbox_depth", status="sending") == 0


def test_a_claim_past_its_due_date_is_overdue_until_decided(
    window: Api, file_claim: File, monkeypatch: pytest.MonkeyPatch
) -> None:
    with any_policy_claimable():  # a policy with a time limit in its text
        filed = file_claim("market-entity-simplified-deregistration", {}, uscc=OTHER_USCC)
    assert filed.status_code == 201, filed.text
    claim = filed.json()
    due = date.fromisoformat(claim["due_date"])  # a time limit in working days
    assert value(scrape(window.client), "matcher_claims_overdue") == 0
    monkeypatch.setattr(clock, "today", lambda: due)
    assert value(scrape(window.client), "matcher_claims_overdue") == 0, "due today: not yet"
    monkeypatch.setattr(clock, "today", lambda: due + timedelta(days=1))
    assert value(scrape(window.client), "matcher_claims_overdue") == 1
    monkeypatch.undo()
    assert decide(window, claim["id"], kind="reject", reason="不符合").status_code == 201
    monkeypatch.setattr(clock, "today", lambda: due + timedelta(days=1))
    assert value(scrape(window.client), "matcher_claims_overdue") == 0


def test_a_successful_ledger_verification_is_recorded(
    window: Api, file_claim: File, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    assert decide(window, claim["id"], kind="approve", amount="5000").status_code == 201
    never = scrape(window.client)
    assert value(never, "matcher_ledger_last_verified_timestamp_seconds") is None
    monkeypatch.setattr(matcher.cli, "default_engine", lambda: window.engine)
    started = clock.now().timestamp()
    result = CliRunner().invoke(matcher.cli.app, ["ledger", "verify"])
    assert result.exit_code == 0, result.output
    verified = scrape(window.client)
    assert (value(verified, "matcher_ledger_last_verified_timestamp_seconds") or 0) >= started
    assert value(verified, "matcher_ledger_last_verified_records") == 1
