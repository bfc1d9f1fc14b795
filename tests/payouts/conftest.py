import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts import service
from matcher.policies.catalog import Catalog, default_catalog, load_catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api

TODAY = clock.today()
SECOND_USCC = "91419001MA4000001F"
JIYUAN = "419001"
FOUNDER = "11010519491231002X"
"""The founder on record of every enterprise of :func:`window`: once per founder, across them."""


def enterprise(uscc: str, **facts: Any) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": f"测试企业{uscc[-4:]}",
        "entity_type": "company",
        "registration_area": uscc[2:8],  # 济源's 419001 for the 91419001… codes
        "registered_on": (TODAY - timedelta(days=800)).isoformat(),
        "operating_status": "operating",
        "in_incubation_base": True,
        "founders": [{"id_hash": hash_id_number(FOUNDER), "first_time_founder": True}],
        "facts": {"founder_target_group": "returning_migrant"},
        **facts,
    }


CONTRACT = {
    "cooperation_mode": "joint_rnd",
    "counterparty_kind": "university",
    "transaction_amount": "1000000.00",
    "contract_date": "2021-03-01",
    "contract_registration_number": "JY2021000001",
}
"""A technology-transfer contract the window's tests claim under (20% of it: 200,000 yuan)."""

ENDED_2020 = ("tech-transfer-subsidy",)
"""The 2020 plan's measure with a per-project cap, which the window's tests file claims under;
it ended 2020-12-31."""


def catalog_in_force(root: Path) -> Catalog:
    """A copy of the catalog (written under ``root``) in which :data:`ENDED_2020` are still in
    force: a claim is dated the day it is filed, so only a policy in force today takes one."""
    shutil.copytree(default_catalog().root, root)
    for policy_id in ENDED_2020:
        path = root / "jiyuan-2020" / f"{policy_id}.yaml"
        text = path.read_text("utf-8")
        assert "\n  until: 2020-12-31\n" in text, path
        path.write_text(text.replace("\n  until: 2020-12-31\n", "\n", 1), "utf-8")
    return load_catalog(root)


@pytest.fixture
def api_catalog(tmp_path: Path) -> Catalog:
    """The window's tests run the API on :func:`catalog_in_force`."""
    return catalog_in_force(tmp_path / "policies")


@pytest.fixture
def window(api: Api, api_catalog: Catalog) -> Api:
    """The API with three enterprises on record (facts recorded now), all registered in 济源
    (``OTHER_USCC``, a code from elsewhere, moved its registration there), so each may claim."""
    with session_scope(api.engine) as session:
        repository = EnterpriseRepository(session)
        for uscc in (ENTERPRISE_USCC, SECOND_USCC, OTHER_USCC):
            profile = parse_profile(enterprise(uscc, registration_area=JIYUAN), api_catalog.facts)
            repository.save(profile, "registration", "test")
    return api


File = Callable[..., Any]
PAYEE = {"holder": "测试企业", "bank": "中国工商银行济源分行", "account": "1712 0000 0912 3456 789"}
"""The account every claim of these tests is paid to."""


@pytest.fixture
def file_claim(window: Api) -> File:
    def file(
        policy_id: str, facts: dict[str, Any], uscc: str = ENTERPRISE_USCC, **extra: Any
    ) -> Any:
        body = {"uscc": uscc, "policy_id": policy_id, "facts": facts, "payee": PAYEE, **extra}
        return window.client.post("/api/v1/claims", json=body, headers=window.headers("staff"))

    return file


def decide(api: Api, claim_id: int, **body: Any) -> Any:
    """Staff's decision on claim ``claim_id`` through the API (``kind``, ``amount``, ``reason``)."""
    return api.client.post(
        f"/api/v1/claims/{claim_id}/decisions", json=body, headers=api.headers("staff")
    )


@contextmanager
def any_policy_claimable() -> Iterator[None]:
    """Let claims be filed under any policy in force, whatever it pays and whatever the
    enterprise's facts say on the claim's date. Due dates are counted for every policy with a
    time limit, and today only policies that pay no cash (which the window does not take) have
    one in their texts; the due-date tests file under those, dated in years whose holidays
    matter, for enterprises whose facts were recorded today."""
    with patch.object(service, "_pays_cash"), patch.object(service, "_entitled"):
        yield


@pytest.fixture
def any_policy() -> Iterator[None]:
    """:func:`any_policy_claimable` for a whole test."""
    with any_policy_claimable():
        yield
