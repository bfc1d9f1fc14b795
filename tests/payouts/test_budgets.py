"""A policy's yearly budget caps what the window may approve in the claim's year."""

from pathlib import Path

import pytest

from matcher import clock
from matcher.policies.catalog import Catalog, load_catalog
from tests.conftest import Api
from tests.payouts.conftest import CONTRACT, SECOND_USCC, File, catalog_in_force, decide

YEAR = clock.today().year


@pytest.fixture
def api_catalog(tmp_path: Path) -> Catalog:
    """The window's catalog with a budget of 250,000 yuan this year for tech transfers."""
    root = tmp_path / "policies"
    catalog_in_force(root)
    path = root / "jiyuan-2020" / "tech-transfer-subsidy.yaml"
    text = path.read_text("utf-8")
    benefit = "benefit:\n"
    assert text.count(benefit) == 1
    budget = f"  budgets:\n    - {{year: {YEAR}, amount: 250000, source: 测试预算文件}}\n"
    path.write_text(text.replace(benefit, benefit + budget), "utf-8")
    return load_catalog(root)


def test_a_year_s_budget_limits_the_payable_amount(window: Api, file_claim: File) -> None:
    first = file_claim("tech-transfer-subsidy", CONTRACT).json()
    assert decide(window, first["id"], kind="approve", amount="200000").status_code == 201
    other = {**CONTRACT, "contract_registration_number": "JY2021000002"}
    second = file_claim("tech-transfer-subsidy", other, uscc=SECOND_USCC).json()
    verification = window.client.get(
        f"/api/v1/claims/{second['id']}", headers=window.headers("staff")
    ).json()
    budget = next(c for c in verification["limits"] if c["bucket"] == f"budget:{YEAR}")
    assert budget["label"] == f"{YEAR} 年度资金预算"
    assert verification["payable_amount"] == "50000.00"
    over = decide(window, second["id"], kind="approve", amount="60000")
    assert over.json()["error"]["message"] == "批准金额 60000 元超过可支付金额 50000.00 元"
    assert decide(window, second["id"], kind="approve", amount="50000").status_code == 201
