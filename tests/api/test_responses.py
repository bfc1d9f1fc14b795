"""``ETag`` and 304 on a policy (its version's content hash); ``Location`` on what a POST
created (the window's claims and decisions: tests/payouts/test_pages_and_locations.py)."""

import pytest

from tests.conftest import ENTERPRISE_USCC, Api

POLICY = "/api/v1/policies/startup-subsidy"


def test_a_policy_is_tagged_with_its_content_hash(api: Api) -> None:
    response = api.client.get(POLICY)
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'


@pytest.mark.parametrize(
    "held",
    ["{etag}", "W/{etag}", '"0000", {etag}', "*"],
)
def test_a_client_holding_the_version_gets_304_without_a_body(api: Api, held: str) -> None:
    etag = api.client.get(POLICY).headers["ETag"]
    response = api.client.get(POLICY, headers={"If-None-Match": held.format(etag=etag)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag


@pytest.mark.parametrize("held", ['"0000"', "", "{etag}x"])
def test_another_version_gets_the_policy(api: Api, held: str) -> None:
    etag = api.client.get(POLICY).headers["ETag"]
    response = api.client.get(POLICY, headers={"If-None-Match": held.format(etag=etag)})
    assert response.status_code == 200
    assert response.json()["policy"]["id"] == "startup-subsidy"


def test_a_missing_policy_is_missing_whatever_the_client_holds(api: Api) -> None:
    response = api.client.get("/api/v1/policies/nope", headers={"If-None-Match": "*"})
    assert response.status_code == 404
    assert "ETag" not in response.headers


def test_a_new_enterprise_is_where_location_says(api: Api) -> None:
    body = {"source": "registration", "profile": {"uscc": ENTERPRISE_USCC, "name": "银辉"}}
    created = api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff"))
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    assert location == f"http://testserver/api/v1/enterprises/{ENTERPRISE_USCC}"
    found = api.client.get(location, headers=api.headers("staff"))
    assert found.status_code == 200
    assert found.json() == created.json()
