"""No secret reaches the logs: signing in (wrongly, then rightly) with a password, the session
cookie it sets, API tokens, and founders' ID numbers, valid or not. Everything logged at every
level, by the app and the libraries it uses, is searched."""

import re

from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.web.mounting import SESSION_COOKIE
from tests.conftest import ENTERPRISE_USCC, Api
from tests.observability.conftest import Logs

PASSWORD, WRONG = "Correct-Horse-Battery-42", "Wrong-Horse-Battery-42"
ID_NUMBER, INVALID_ID_NUMBER = "11010519491231002X", "110105194912310021"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in(api: Api, password: str) -> int:
    found = _CSRF.search(api.client.get("/login").text)
    assert found is not None
    form = {"csrf_token": found.group(1), "username": "zhangsan", "password": password}
    return api.client.post("/login", data=form, follow_redirects=False).status_code


def _enterprise(api: Api, id_number: str) -> int:
    profile = {
        "uscc": ENTERPRISE_USCC,
        "name": "济源市银辉新材料有限公司",
        "founders": [{"id_number": id_number, "first_time_founder": True}],
    }
    body = {"source": "registration", "profile": profile}
    response = api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff"))
    return response.status_code


def test_no_password_cookie_token_or_id_number_is_logged(api: Api, logs: Logs) -> None:
    with session_scope(api.engine) as session:
        create_account(session, "zhangsan", PASSWORD, Role.STAFF, "张三")
    assert _sign_in(api, WRONG) == 200
    assert _sign_in(api, PASSWORD) == 303
    cookie = api.client.cookies[SESSION_COOKIE]
    assert api.client.get("/staff").status_code == 200
    assert _enterprise(api, INVALID_ID_NUMBER) == 422
    assert _enterprise(api, ID_NUMBER) == 201
    bad_token = {"Authorization": "Bearer mt_" + "x" * 43}
    assert api.client.get("/api/v1/enterprises", headers=bad_token).status_code == 401
    assert api.client.get("/api/v1/enterprises", headers=api.headers("admin")).status_code == 200

    text = logs.read()
    assert len(logs.access()) == 9, "every request was logged"
    secrets = [PASSWORD, WRONG, cookie, ID_NUMBER, INVALID_ID_NUMBER, "mt_" + "x" * 43]
    secrets += api.tokens.values()
    assert [secret for secret in secrets if secret in text] == []
    assert "mt_" not in text
