"""The claim form's payee account: asked for after the facts, each part's problem beside its
field, and the account shown masked on the claim's pages once filed."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from matcher.payouts.tables import Claim
from matcher.policies.catalog import Catalog
from tests.payouts.conftest import CONTRACT, catalog_in_force

DEMO_USCC = "91419001MA4000000C"
PAGE = f"/staff/enterprises/{DEMO_USCC}/claims/new?policy=tech-transfer-subsidy"
PAYEE = {
    "payee_holder": "济源市银辉新材料有限公司",
    "payee_bank": "中国工商银行济源分行",
    "payee_account": "6222 0212 3456 7890 123",
}
CsrfOf = Callable[[str], str]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The pages on :func:`catalog_in_force`: claims are filed today."""
    return catalog_in_force(tmp_path_factory.mktemp("catalog") / "policies")


def _claims(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Claim)).scalar_one())


def _error(name: str, message: str) -> str:
    return f'<p class="error" id="f-{name}-error">{message}</p>'


def test_the_form_asks_for_the_account_and_places_each_problem(
    client: TestClient, sign_in: Callable[[str], None], csrf: CsrfOf, engine: Engine
) -> None:
    sign_in("wangfang")
    form = client.get(PAGE).text
    assert "<legend>收款账户</legend>" in form
    for name in PAYEE:
        assert f'name="{name}"' in form
    missing = client.post(PAGE, data={**CONTRACT, "csrf_token": csrf(PAGE)})
    assert missing.status_code == 422
    for name in PAYEE:
        assert _error(name, "必填") in missing.text
    wrong = {**PAYEE, "payee_account": "6222 021", "payee_bank": " "}
    refused = client.post(PAGE, data={**CONTRACT, **wrong, "csrf_token": csrf(PAGE)})
    assert refused.status_code == 422
    assert _error("payee_account", "账号应为 8 至 30 位数字，现为 7 位") in refused.text
    assert _error("payee_bank", "开户行不能为空") in refused.text
    assert 'value="6222 021"' in refused.text and 'value="济源市银辉新材料有限公司"' in refused.text
    assert _claims(engine) == 0


def _shows_masked(page: str) -> None:
    assert "<dt>收款账户</dt>" in page and "济源市银辉新材料有限公司" in page
    assert "中国工商银行济源分行　账号 6222 **** **** 0123" in page
    assert "6222021234567890123" not in page and "0212 3456" not in page


def test_a_filed_claim_shows_its_account_masked(
    client: TestClient, sign_in: Callable[[str], None], csrf: CsrfOf
) -> None:
    sign_in("wangfang")
    filed = client.post(
        PAGE, data={**CONTRACT, **PAYEE, "csrf_token": csrf(PAGE)}, follow_redirects=False
    )
    assert filed.status_code == 303, filed.text
    _shows_masked(client.get(filed.headers["location"]).text)
    claim_id = filed.headers["location"].rsplit("/", 1)[1]
    sign_in("yinhui")
    _shows_masked(client.get(f"/me/claims/{claim_id}").text)
