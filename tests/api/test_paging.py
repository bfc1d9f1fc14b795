"""Every list of the API is paged one way: ``offset`` and ``limit`` in, ``{items, total, limit,
offset}`` out, with the same bounds everywhere (the claims queue and its decisions are paged in
tests/payouts/test_pages_and_locations.py)."""

from typing import Any

import pytest

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import default_catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import Api

LISTS = [
    "/api/v1/policies",
    "/api/v1/enterprises",
    "/api/v1/claims",
    "/api/v1/claims/1/decisions",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("limit=0", "limit", "greater_than_equal"),
        ("limit=501", "limit", "less_than_equal"),
        ("offset=-1", "offset", "greater_than_equal"),
        ("offset=2147483648", "offset", "less_than_equal"),
    ],
)
def test_page_bounds_are_the_same_everywhere(
    api: Api, path: str, query: str, field: str, code: str
) -> None:
    response = api.client.get(f"{path}?{query}", headers=api.headers("staff"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert [(d["field"], d["code"]) for d in error["details"]] == [(field, code)]


def _page(api: Api, path: str, **query: Any) -> Any:
    response = api.client.get(path, params=query, headers=api.headers("staff"))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_catalog_pages_through_whole(api: Api) -> None:
    everything = _page(api, "/api/v1/policies", limit=500)
    assert everything["total"] == len(default_catalog()) == len(everything["items"])
    paged: list[str] = []
    for offset in range(0, everything["total"], 20):
        page = _page(api, "/api/v1/policies", offset=offset, limit=20)
        assert (page["total"], page["offset"], page["limit"]) == (everything["total"], offset, 20)
        paged += [p["id"] for p in page["items"]]
    assert paged == [p["id"] for p in everything["items"]]
    beyond = _page(api, "/api/v1/policies", offset=everything["total"])
    assert beyond["items"] == [] and beyond["total"] == everything["total"]


def test_enterprises_page_in_the_order_they_were_recorded(api: Api) -> None:
    codes = ["91419001MA4000000C", "91110000600037341L", "91419001MA4000001F"]
    with session_scope(api.engine) as session:
        for uscc in codes:
            profile = parse_profile({"uscc": uscc, "name": f"企业{uscc[-4:]}"})
            EnterpriseRepository(session).save(profile, "registration", "test")
    page = _page(api, "/api/v1/enterprises", offset=1, limit=1)
    assert [e["uscc"] for e in page["items"]] == codes[1:2]
    assert (page["total"], page["offset"], page["limit"]) == (3, 1, 1)
    default = _page(api, "/api/v1/enterprises")
    assert [e["uscc"] for e in default["items"]] == codes
    assert (default["offset"], default["limit"]) == (0, 100)
