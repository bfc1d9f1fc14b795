"""The 免申即享 pages: staff propose, publish and approve a list; anyone reads the 公示 with
names masked; the enterprise confirms its account."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matcher.policies.catalog import Catalog
from tests.no_application.policy_files import write_catalog
from tests.web.conftest import DEMO, ENTERPRISE_USER, STAFF_USER


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return write_catalog(tmp_path / "policies")


def test_a_list_from_proposal_to_the_enterprise_confirming_its_account(
    client: TestClient, csrf: Callable[[str], str], sign_in: Callable[[str], None]
) -> None:
    sign_in(STAFF_USER)
    page = client.get("/staff/no-application")
    assert "测试免申即享补贴" in page.text
    proposed = client.post(
        "/staff/no-application",
        data={"csrf_token": csrf("/staff/no-application"), "policy": "test-no-application-subsidy"},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    path = proposed.headers["location"]
    assert re.fullmatch(r"/staff/no-application/[0-9]+", path)
    listed = client.get(path).text
    assert DEMO.name is not None and DEMO.name in listed
    assert "登记注册信息" in listed and "3000.00" in listed
    token = csrf(path)
    published = client.post(f"{path}/publish", data={"csrf_token": token}, follow_redirects=False)
    assert published.status_code == 303
    early = client.post(f"{path}/approve", data={"csrf_token": token})
    assert "起方可批准" in early.text
    notice = client.get(path.replace("/staff/no-application/", "/public-notices/")).text
    assert "济源**材料有限公司" in notice and DEMO.name not in notice
    sign_in(ENTERPRISE_USER)
    mine = client.get("/me/no-application").text
    assert "测试免申即享补贴：3000.00 元" in mine
    found = re.search(r'action="(/me/no-application/[0-9]+)"', mine)
    assert found is not None
    entry = found.group(1)
    entry_form = csrf("/me/no-application")
    missing = client.post(entry, data={"csrf_token": entry_form, "payee_holder": "银辉"})
    assert missing.status_code == 422
    assert "请填写完整的收款账户" in missing.text
    confirmed = client.post(
        entry,
        data={
            "csrf_token": entry_form,
            "payee_holder": "济源市银辉新材料有限公司",
            "payee_bank": "中国工商银行济源分行",
            "payee_account": "1712 0000 0912 3456 789",
        },
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    assert "已确认收款账户：济源市银辉新材料有限公司 中国工商银行济源分行 1712 **** **** 6789" in (
        client.get("/me/no-application").text
    )
    assert client.get("/staff/no-application").status_code == 403
