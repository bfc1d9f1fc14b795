"""Search takes the query literally: ``%`` and ``_`` are characters in a name, not wildcards."""

import pytest

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api

NAMES = {ENTERPRISE_USCC: "济源100%_新材料有限公司", OTHER_USCC: "济源1000新材料有限公司"}


@pytest.fixture
def two(api: Api) -> Api:
    with session_scope(api.engine) as session:
        for uscc, name in NAMES.items():
            EnterpriseRepository(session).save(
                parse_profile({"uscc": uscc, "name": name}), "tax", "t"
            )
    return api


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("%", [ENTERPRISE_USCC]),
        ("_", [ENTERPRISE_USCC]),
        ("100%", [ENTERPRISE_USCC]),
        ("100_", []),
        ("10_0", []),
        ("%_", [ENTERPRISE_USCC]),
        ("\\", []),
        ("100", [ENTERPRISE_USCC, OTHER_USCC]),
    ],
)
def test_percent_and_underscore_are_literal(two: Api, query: str, found: list[str]) -> None:
    response = two.client.get(
        "/api/v1/enterprises", params={"q": query}, headers=two.headers("staff")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(e["uscc"] for e in body["items"]) == sorted(found)
    assert body["total"] == len(found)
