"""Control characters are refused in every text the API takes, on SQLite and PostgreSQL alike
(PostgreSQL cannot store NUL at all), with 422 and nothing stored."""

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from matcher.enterprises.tables import enterprises
from tests.conftest import ENTERPRISE_USCC, Api

PROFILE: dict[str, Any] = {"uscc": ENTERPRISE_USCC, "name": "济源市银辉新材料有限公司"}
CONTROLS = ["\x00", "\x1b", "\x7f", "\x85"]


def _enterprises(api: Api) -> int:
    with api.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(enterprises)).scalar_one())


def _refusal(response: Any) -> tuple[int, str, set[tuple[str, str]]]:
    error = response.json()["error"]
    return response.status_code, error["code"], {(d["field"], d["code"]) for d in error["details"]}


def _create(api: Api, profile: dict[str, Any]) -> Any:
    """POST the profile as JSON with escapes, so that even lone surrogates can be sent."""
    body = json.dumps({"source": "registration", "profile": profile})
    headers = {**api.headers("staff"), "Content-Type": "application/json"}
    return api.client.post("/api/v1/enterprises", content=body, headers=headers)


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("field", ["name", "district", "business_scope"])
def test_profiles_refuse_control_characters(api: Api, field: str, control: str) -> None:
    response = _create(api, {**PROFILE, field: f"甲{control}乙"})
    expected = (422, "invalid_request", {(f"profile.{field}", "control_character")})
    assert _refusal(response) == expected
    assert _enterprises(api) == 0


def test_lone_surrogates_are_refused_by_the_json_parser(api: Api) -> None:
    response = _create(api, {**PROFILE, "name": "甲\ud800"})
    assert _refusal(response) == (422, "invalid_request", {("profile.name", "string_unicode")})
    assert _enterprises(api) == 0


def test_a_business_scope_may_run_over_lines_but_a_name_may_not(api: Api) -> None:
    response = _create(api, {**PROFILE, "name": "甲\n乙"})
    expected = (422, "invalid_request", {("profile.name", "control_character")})
    assert _refusal(response) == expected
    response = _create(api, {**PROFILE, "business_scope": "钢材压延加工；\r\n\t金属结构制造"})
    assert response.status_code == 201, response.text
    assert response.json()["profile"]["business_scope"] == "钢材压延加工；\r\n\t金属结构制造"


def test_founder_id_numbers_refuse_control_characters(api: Api) -> None:
    response = _create(api, {**PROFILE, "founders": [{"id_number": "1101051949\x001231002X"}]})
    expected = {("profile.founders.0.id_number", "control_character")}
    assert _refusal(response) == (422, "invalid_request", expected)
    assert _enterprises(api) == 0


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/enterprises/%00", "uscc"),
        ("/api/v1/enterprises/%00/entitlements", "uscc"),
        ("/api/v1/enterprises?q=%00", "q"),
        ("/api/v1/policies/a%00b", "policy_id"),
    ],
)
def test_addresses_refuse_control_characters(api: Api, path: str, field: str) -> None:
    response = api.client.get(path, headers=api.headers("staff"))
    assert _refusal(response) == (422, "invalid_request", {(field, "control_character")})


def test_updates_refuse_control_characters_in_the_address(api: Api) -> None:
    assert _create(api, PROFILE).status_code == 201
    response = api.client.put(
        "/api/v1/enterprises/%00",
        json={"source": "tax", "profile": {**PROFILE, "name": "乙"}},
        headers=api.headers("staff"),
    )
    assert _refusal(response) == (422, "invalid_request", {("uscc", "control_character")})
    read = api.client.get(f"/api/v1/enterprises/{ENTERPRISE_USCC}", headers=api.headers("staff"))
    assert read.json()["profile"]["name"] == PROFILE["name"]


def test_csv_imports_refuse_control_characters(api: Api) -> None:
    csv = f"uscc,name\n{ENTERPRISE_USCC},甲\x00公司\n"
    response = api.client.post(
        "/api/v1/enterprises/import",
        content=csv.encode(),
        headers={**api.headers("staff"), "Content-Type": "text/csv"},
    )
    expected = (422, "invalid_csv", {("rows.2.name", "control_character")})
    assert _refusal(response) == expected
    assert _enterprises(api) == 0


def test_the_calculator_refuses_control_characters(api: Api) -> None:
    body = {
        "profile": {"name": "甲\x00"},
        "claims": {"tech-transfer-subsidy": {"project_id": "\x00"}},
    }
    response = api.client.post("/api/v1/calculator", json=body)
    expected = {
        ("profile.name", "control_character"),
        ("claims", "control_character"),
    }
    assert _refusal(response) == (422, "invalid_request", expected)


def test_industry_suggestions_refuse_control_characters(api: Api) -> None:
    response = api.client.post("/api/v1/tagging/suggest", json={"text": "钢材\x00压延"})
    assert _refusal(response) == (422, "invalid_request", {("text", "control_character")})
