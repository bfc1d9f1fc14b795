"""Every role against every endpoint, with the exact answer expected."""

from typing import Any

import pytest

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, Api

WHO = ("anonymous", "revoked", "enterprise", "other", "staff", "admin")
PROFILE = {"uscc": ENTERPRISE_USCC, "name": "银辉", "employees": 10}
NEW = {"profile": {"uscc": "91110000600037341L", "name": "新企业"}}
PUT = {"profile": {**PROFILE, "employees": 11}}
CSV = "uscc,name\n91110000600037341L,新企业\n"

OWN = f"/api/v1/enterprises/{ENTERPRISE_USCC}"
# (method, path, body, the expected status for each of WHO)
MATRIX: list[tuple[str, str, Any, tuple[int, ...]]] = [
    ("GET", "/api/v1/health", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/policies", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/policies/startup-subsidy", None, (200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/calculator", {"profile": {"employees": 3}}, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/enterprises", None, (401, 401, 403, 403, 200, 200)),
    ("POST", "/api/v1/enterprises", NEW, (401, 401, 403, 403, 201, 201)),
    ("PUT", OWN, PUT, (401, 401, 403, 403, 200, 200)),
    ("GET", OWN, None, (401, 401, 200, 404, 200, 200)),
    ("GET", f"{OWN}/entitlements", None, (401, 401, 200, 404, 200, 200)),
    ("POST", "/api/v1/enterprises/import", CSV, (401, 401, 403, 403, 200, 200)),
]
CELLS = [
    (method, path, body, who, statuses[index])
    for method, path, body, statuses in MATRIX
    for index, who in enumerate(WHO)
]


@pytest.fixture
def seeded(api: Api) -> Api:
    with session_scope(api.engine) as session:
        EnterpriseRepository(session).save(parse_profile(PROFILE), "registration", "test")
    return api


def _call(api: Api, method: str, path: str, body: Any, who: str) -> Any:
    headers = api.headers(None if who == "anonymous" else who)
    if isinstance(body, str):
        headers["Content-Type"] = "text/csv"
        return api.client.request(method, path, content=body.encode(), headers=headers)
    return api.client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "who", "expected"), CELLS)
def test_access(seeded: Api, method: str, path: str, body: Any, who: str, expected: int) -> None:
    response = _call(seeded, method, path, body, who)
    assert response.status_code == expected, response.text
    if expected >= 400:
        error = response.json()["error"]
        expected_code = {401: ("unauthorized", "invalid_token"), 403: ("forbidden",),
                         404: ("not_found",)}[expected]  # fmt: skip
        assert error["code"] in expected_code
        if who == "revoked":
            assert error == {
                "code": "invalid_token",
                "message": "访问令牌无效或已吊销",
                "details": [],
            }


@pytest.mark.parametrize("suffix", ["", "/entitlements"])
def test_another_enterprise_looks_exactly_like_a_missing_one(seeded: Api, suffix: str) -> None:
    other = _call(seeded, "GET", f"/api/v1/enterprises/{ENTERPRISE_USCC}{suffix}", None, "other")
    missing = _call(seeded, "GET", f"/api/v1/enterprises/91110000600037341L{suffix}", None, "other")
    assert other.status_code == missing.status_code == 404
    assert (
        other.json()
        == missing.json()
        == {"error": {"code": "not_found", "message": "企业不存在", "details": []}}
    )
