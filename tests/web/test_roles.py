from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.db import session_scope

DEMO_USCC, OTHER_USCC = "91419001MA4000000C", "91419001MA4000001F"
SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]


@pytest.mark.parametrize("path", ["/me", "/staff", f"/staff/enterprises/{DEMO_USCC}"])
def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_an_enterprise_sees_its_own_homepage(client: TestClient, sign_in: SignIn) -> None:
    sign_in("yinhui")
    response = client.get("/me?as_of=2020-08-01")
    assert response.status_code == 200
    html = response.text
    assert "济源市银辉新材料有限公司" in html
    assert DEMO_USCC in html
    assert "评估日期 2020-08-01" in html
    assert "可于 2020-09-16 起申请" in html
    assert "410,000.00 元" in html
    assert "登记注册信息" in html, "each fact's source"
    assert "济源市玉川食品有限公司" not in html
    assert 'href="/me"' in html and 'href="/staff"' not in html


def test_an_enterprise_cannot_reach_staff_pages(client: TestClient, sign_in: SignIn) -> None:
    sign_in("yinhui")
    for path in ("/staff", f"/staff/enterprises/{OTHER_USCC}", f"/staff/enterprises/{DEMO_USCC}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "工作台仅供兑现专窗工作人员使用" in response.text
        assert "济源市玉川食品有限公司" not in response.text


def test_an_enterprise_cannot_search_even_with_its_token(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("yinhui")
    response = client.post("/staff", data={"csrf_token": csrf("/me"), "q": "济源"})
    assert response.status_code == 403
    assert OTHER_USCC not in response.text


def test_staff_search_and_open_an_enterprise(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("wangfang")
    assert "现有企业档案 2 家" in client.get("/staff").text
    found = client.post("/staff", data={"csrf_token": csrf("/staff"), "q": "玉川"})
    assert found.status_code == 200
    assert f'href="/staff/enterprises/{OTHER_USCC}"' in found.text
    assert DEMO_USCC not in found.text
    by_code = client.post("/staff", data={"csrf_token": csrf("/staff"), "q": "MA4000000"})
    assert f'href="/staff/enterprises/{DEMO_USCC}"' in by_code.text
    assert "共 1 家" in by_code.text
    page = client.get(f"/staff/enterprises/{OTHER_USCC}")
    assert page.status_code == 200
    assert "济源市玉川食品有限公司" in page.text
    assert "税务数据" in page.text, "the fact's source"
    assert "请补充：" in page.text


def test_staff_search_needs_the_token(client: TestClient, sign_in: SignIn) -> None:
    sign_in("wangfang")
    response = client.post("/staff", data={"q": "玉川"})
    assert response.status_code == 403
    assert OTHER_USCC not in response.text


def test_staff_get_a_404_page_for_an_unknown_code(client: TestClient, sign_in: SignIn) -> None:
    sign_in("wangfang")
    response = client.get("/staff/enterprises/91419001MA40000099")
    assert response.status_code == 404
    assert "未找到该企业" in response.text


def test_staff_have_no_enterprise_homepage(client: TestClient, sign_in: SignIn) -> None:
    sign_in("wangfang")
    response = client.get("/me")
    assert response.status_code == 403
    assert "企业专属主页仅供企业账号使用" in response.text


def test_a_bad_evaluation_date_is_a_400_page(client: TestClient, sign_in: SignIn) -> None:
    sign_in("yinhui")
    response = client.get("/me?as_of=2020-13-01")
    assert response.status_code == 400
    assert "评估日期有误" in response.text


def test_an_enterprise_only_ever_sees_its_own_code(client: TestClient, sign_in: SignIn) -> None:
    sign_in("yinhui")
    html = client.get(f"/me?uscc={OTHER_USCC}").text
    assert DEMO_USCC in html
    assert OTHER_USCC not in html


def test_an_enterprise_without_a_record_is_told_so(
    client: TestClient, engine: Engine, sign_in: SignIn
) -> None:
    with session_scope(engine) as session:
        create_account(
            session, "newcomer", "correct-horse-42", Role.ENTERPRISE, "新企业", "91419001MA4000002J"
        )
    sign_in("newcomer")
    response = client.get("/me")
    assert response.status_code == 200
    assert "企业档案尚未建立" in response.text
