"""Pages refuse control characters in forms and addresses, and dates out of range, with a page
that says so and nothing stored, on SQLite and PostgreSQL alike."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.tables import Claim
from matcher.profiles.declared import NO_DECLARED_FACTS
from tests.payouts.conftest import CONTRACT
from tests.web.conftest import OTHER

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
FILE = f"/staff/enterprises/{OTHER.uscc}/claims/new?policy=tech-transfer-subsidy"


def _claims(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Claim)).scalar_one())


def _post(
    client: TestClient, csrf: CsrfOf, path: str, form: dict[str, Any], page: str | None = None
) -> Any:
    """Post ``form`` to ``path`` with the CSRF token of the form's ``page`` (``path`` itself)."""
    token = csrf(page or path)
    return client.post(path, data={"csrf_token": token, **form}, follow_redirects=False)


def test_sign_in_refuses_control_characters(client: TestClient, csrf: CsrfOf) -> None:
    response = _post(client, csrf, "/login", {"username": "yin\x00hui", "password": "x" * 8})
    assert response.status_code == 422
    assert "控制字符" in response.text
    assert client.get("/me", follow_redirects=False).status_code == 303, "nobody signed in"


def test_staff_search_refuses_control_characters(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("wangfang")
    response = _post(client, csrf, "/staff", {"q": "银辉\x00"})
    assert response.status_code == 422
    assert "控制字符" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff/enterprises/%00",
        f"/staff/enterprises/{OTHER.uscc}/claims/new?policy=%00",
        "/policies/a%00",
        "/login?next=/%00",
    ],
)
def test_addresses_with_control_characters_are_refused(
    client: TestClient, sign_in: SignIn, path: str
) -> None:
    sign_in("wangfang")
    response = client.get(path)
    assert response.status_code == 422
    assert "网址有误" in response.text


def test_the_calculator_refuses_control_characters(client: TestClient, csrf: CsrfOf) -> None:
    response = _post(client, csrf, "/calculator", {"name": "甲\x00"})
    assert response.status_code == 422
    assert "控制字符" in response.text
    response = _post(client, csrf, "/calculator", {"name": "甲\n乙"})
    assert response.status_code == 422
    assert "不能含有换行、制表符等控制字符" in response.text


def test_a_claim_with_control_characters_is_never_filed(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf, engine: Engine
) -> None:
    sign_in("wangfang")
    response = _post(
        client, csrf, FILE, {**CONTRACT, "contract_registration_number": "JY2021\x00000001"}
    )
    assert response.status_code == 422
    assert "控制字符" in response.text
    response = _post(
        client, csrf, FILE, {**CONTRACT, "contract_registration_number": "JY2021\t000001"}
    )
    assert response.status_code == 422
    assert "不能含有换行、制表符等控制字符" in response.text
    assert _claims(engine) == 0


@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01", "2101-01-01"])
def test_claim_dates_out_of_range_are_refused(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf, engine: Engine, day: str
) -> None:
    sign_in("wangfang")
    response = _post(client, csrf, FILE, {**CONTRACT, "claim_date": day})
    assert response.status_code == 422
    assert "日期应在 1949-10-01 至 2100-12-31 之间" in response.text
    assert _claims(engine) == 0


@pytest.mark.parametrize("as_of", ["0", "20200801", "9999-12-31"])
def test_evaluation_dates_are_strict_and_in_range(
    client: TestClient, sign_in: SignIn, as_of: str
) -> None:
    sign_in("wangfang")
    response = client.get(f"/staff/enterprises/{OTHER.uscc}?as_of={as_of}")
    assert response.status_code == 400
    assert "评估日期有误" in response.text


def test_profiles_on_record_are_untouched_by_refusals(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf, engine: Engine
) -> None:
    sign_in("wangfang")
    path = f"/staff/enterprises/{OTHER.uscc}/industry"
    page = f"/staff/enterprises/{OTHER.uscc}"
    response = _post(client, csrf, path, {"industry_code": "C14\x0091"}, page)
    assert response.status_code == 422
    with session_scope(engine) as session:
        stored = EnterpriseRepository(session).get(OTHER.uscc, NO_DECLARED_FACTS)
    assert stored is not None and stored.industry_code == OTHER.industry_code
