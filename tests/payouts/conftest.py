from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api

TODAY = clock.today()
SECOND_USCC = "91419001MA4000001F"


def enterprise(uscc: str, **facts: Any) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": f"测试企业{uscc[-4:]}",
        "entity_type": "company",
        "registered_on": (TODAY - timedelta(days=800)).isoformat(),
        "operating_status": "operating",
        "in_incubation_base": True,
        "founders": [{"first_time_founder": True}],
        **facts,
    }


@pytest.fixture
def window(api: Api) -> Api:
    """The API with three 济源-registered enterprises on record (facts recorded now)."""
    with session_scope(api.engine) as session:
        repository = EnterpriseRepository(session)
        for uscc in (ENTERPRISE_USCC, SECOND_USCC):
            repository.save(parse_profile(enterprise(uscc)), "registration", "test")
        repository.save(parse_profile(enterprise(OTHER_USCC)), "registration", "test")
    return api


File = Callable[..., Any]


@pytest.fixture
def file_claim(window: Api) -> File:
    def file(
        policy_id: str, facts: dict[str, Any], uscc: str = ENTERPRISE_USCC, **extra: Any
    ) -> Any:
        body = {"uscc": uscc, "policy_id": policy_id, "facts": facts, **extra}
        return window.client.post("/api/v1/claims", json=body, headers=window.headers("staff"))

    return file
