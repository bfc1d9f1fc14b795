"""A claim or a decision with control characters in its text is refused before it is stored:
on PostgreSQL a NUL in a fact used to make a claim no one could open or decide."""

from typing import Any

import pytest
from sqlalchemy import func, select

from matcher.payouts.tables import Claim, Decision
from tests.conftest import ENTERPRISE_USCC, Api
from tests.payouts.conftest import CONTRACT, File


def _count(api: Api, table: Any) -> int:
    with api.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _refusal(response: Any) -> tuple[int, str, set[tuple[str, str]]]:
    error = response.json()["error"]
    return response.status_code, error["code"], {(d["field"], d["code"]) for d in error["details"]}


@pytest.mark.parametrize(
    "facts",
    [
        {**CONTRACT, "contract_registration_number": "JY2021\x00000001"},
        {**CONTRACT, "contract\x00_date": "2021-03-01"},
    ],
)
def test_claim_facts_refuse_control_characters(window: Api, file_claim: File, facts: Any) -> None:
    response = file_claim("tech-transfer-subsidy", facts)
    assert _refusal(response) == (422, "invalid_request", {("facts", "control_character")})
    assert _count(window, Claim) == 0


def test_claim_codes_refuse_control_characters(window: Api, file_claim: File) -> None:
    response = file_claim("tech-transfer-\x00subsidy", CONTRACT)
    assert _refusal(response) == (422, "invalid_request", {("policy_id", "control_character")})
    response = file_claim("tech-transfer-subsidy", CONTRACT, uscc=f"{ENTERPRISE_USCC}\x00")
    assert _refusal(response) == (422, "invalid_request", {("uscc", "control_character")})
    assert _count(window, Claim) == 0


def test_decision_reasons_refuse_control_characters(window: Api, file_claim: File) -> None:
    claim = file_claim("tech-transfer-subsidy", CONTRACT).json()
    response = window.client.post(
        f"/api/v1/claims/{claim['id']}/decisions",
        json={"kind": "reject", "reason": "材料不全\x00"},
        headers=window.headers("staff"),
    )
    assert _refusal(response) == (422, "invalid_request", {("reason", "control_character")})
    assert _count(window, Decision) == 0
    response = window.client.post(
        f"/api/v1/claims/{claim['id']}/decisions",
        json={"kind": "reject", "reason": "材料不全：\r\n\t缺少合同"},
        headers=window.headers("staff"),
    )
    assert response.status_code == 201, response.text


def test_reversal_reasons_refuse_control_characters(window: Api, file_claim: File) -> None:
    response = window.client.post(
        "/api/v1/decisions/1/reversal", json={"reason": "\x00"}, headers=window.headers("staff")
    )
    assert _refusal(response) == (422, "invalid_request", {("reason", "control_character")})
    assert _count(window, Decision) == 0
