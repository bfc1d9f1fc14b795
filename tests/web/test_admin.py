"""/admin/accounts: a 管理员 creates, disables, enables accounts and resets passwords, each
action logged to ``matcher.audit`` with the acting account's id; others are refused; a
disabled account's open session is refused at its next request; every form needs the CSRF
token."""

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from matcher.auth.service import authenticate_password, create_account, find_account
from matcher.auth.tables import Account, Role
from matcher.db import session_scope
from tests.web.conftest import PASSWORD

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
PAGE = "/admin/accounts"
DEMO_USCC = "91419001MA4000000C"


@pytest.fixture
def admin_id(client: TestClient, engine: Engine, sign_in: SignIn) -> int:
    """Signed in as the 管理员 ``zhao``; its account id."""
    with session_scope(engine) as session:
        account_id = create_account(session, "zhao", PASSWORD, Role.ADMIN, "赵管理").id
    sign_in("zhao")
    assert account_id is not None
    return account_id


def _accounts(engine: Engine) -> list[tuple[str, str, int, bool]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Account).order_by(Account.username))
        return [(a.username, a.password_hash, a.session_epoch, a.disabled_at is None) for a in rows]


def _id_of(engine: Engine, username: str) -> int | None:
    with session_scope(engine) as session:
        account = find_account(session, username)
        return None if account is None else account.id


def _other_session(client: TestClient, username: str) -> TestClient:
    """A second browser on the same app, signed in as ``username``."""
    other = TestClient(client.app)
    page = other.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": token, "username": username, "password": PASSWORD}
    assert other.post("/login", data=data, follow_redirects=False).status_code == 303
    assert other.get("/me", follow_redirects=False).status_code == 200
    return other


def test_the_page_lists_every_account(client: TestClient, admin_id: int) -> None:
    html = client.get(PAGE).text
    for shown in ("yinhui", "银辉新材料", DEMO_USCC, "wangfang", "王芳", "zhao", "全部账号（3）"):
        assert shown in html
    assert 'href="/admin/accounts"' in html, "the 管理员's menu links the page"


def test_an_admin_creates_an_enterprise_account(
    client: TestClient,
    csrf: CsrfOf,
    engine: Engine,
    admin_id: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = {
        "csrf_token": csrf(PAGE),
        "username": "yuchuan",
        "role": "enterprise",
        "name": "玉川食品",
        "uscc": "91419001MA4000001F",
        "password": "battery-staple-7",
    }
    with caplog.at_level(logging.INFO, logger="matcher.audit"):
        response = client.post(PAGE, data=data, follow_redirects=False)
    assert response.status_code == 303
    created = _id_of(engine, "yuchuan")
    assert response.headers["location"] == f"/admin/accounts#account-{created}"
    with session_scope(engine) as session:
        who = authenticate_password(session, "yuchuan", "battery-staple-7")
    assert who is not None and who.role is Role.ENTERPRISE and who.uscc == "91419001MA4000001F"
    [record] = [r for r in caplog.records if r.name == "matcher.audit"]
    assert (record.actor_account_id, record.action, record.account_id) == (
        admin_id,
        "created",
        created,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short"}, "账号未创建：密码至少 8 个字符"),
        ({"username": "wangfang"}, "账号未创建：登录名已存在"),
        ({"role": "root"}, "账号未创建：请选择角色"),
        ({"uscc": ""}, "账号未创建：企业角色必须绑定统一社会信用代码"),
    ],
)
def test_a_refused_account_is_not_created(
    client: TestClient,
    csrf: CsrfOf,
    engine: Engine,
    admin_id: int,
    changes: dict[str, str],
    message: str,
) -> None:
    before = _accounts(engine)
    data = {
        "csrf_token": csrf(PAGE),
        "username": "yuchuan",
        "role": "enterprise",
        "name": "玉川食品",
        "uscc": "91419001MA4000001F",
        "password": "battery-staple-7",
    } | changes
    response = client.post(PAGE, data=data)
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{data["name"]}"' in response.text, "what was entered is kept"
    assert _accounts(engine) == before


def test_disabling_ends_the_accounts_open_session_at_its_next_request(
    client: TestClient,
    csrf: CsrfOf,
    engine: Engine,
    admin_id: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    browser = _other_session(client, "yinhui")
    with caplog.at_level(logging.INFO, logger="matcher.audit"):
        response = client.post(
            f"{PAGE}/disable",
            data={"csrf_token": csrf(PAGE), "username": "yinhui"},
            follow_redirects=False,
        )
    assert response.status_code == 303
    refused = browser.get("/me", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/login?next=/me"
    assert "已停用" in client.get(PAGE).text
    [record] = [r for r in caplog.records if r.name == "matcher.audit"]
    assert (record.actor_account_id, record.action, record.account_id) == (
        admin_id,
        "disabled",
        _id_of(engine, "yinhui"),
    )

    enabled = client.post(f"{PAGE}/enable", data={"csrf_token": csrf(PAGE), "username": "yinhui"})
    assert enabled.status_code == 200
    assert browser.get("/me", follow_redirects=False).status_code == 303, "stays ended"
    assert _other_session(client, "yinhui").get("/me").status_code == 200


def test_resetting_a_password_ends_the_accounts_sessions(
    client: TestClient, csrf: CsrfOf, engine: Engine, admin_id: int
) -> None:
    browser = _other_session(client, "yinhui")
    response = client.post(
        f"{PAGE}/reset",
        data={"csrf_token": csrf(PAGE), "username": "yinhui", "password": "battery-staple-7"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert browser.get("/me", follow_redirects=False).status_code == 303
    with session_scope(engine) as session:
        assert authenticate_password(session, "yinhui", "battery-staple-7") is not None
        assert authenticate_password(session, "yinhui", PASSWORD) is None


def test_a_short_new_password_changes_nothing(
    client: TestClient, csrf: CsrfOf, engine: Engine, admin_id: int
) -> None:
    before = _accounts(engine)
    response = client.post(
        f"{PAGE}/reset",
        data={"csrf_token": csrf(PAGE), "username": "yinhui", "password": "short"},
    )
    assert response.status_code == 422 and "密码未重设：密码至少 8 个字符" in response.text
    assert _accounts(engine) == before


def test_an_admin_cannot_disable_their_own_account(
    client: TestClient, csrf: CsrfOf, engine: Engine, admin_id: int
) -> None:
    before = _accounts(engine)
    response = client.post(f"{PAGE}/disable", data={"csrf_token": csrf(PAGE), "username": "zhao"})
    assert response.status_code == 409 and "不能停用自己正在使用的账号" in response.text
    assert _accounts(engine) == before


def test_an_unknown_account_is_404(client: TestClient, csrf: CsrfOf, admin_id: int) -> None:
    for action in ("disable", "enable"):
        response = client.post(
            f"{PAGE}/{action}", data={"csrf_token": csrf(PAGE), "username": "nobody"}
        )
        assert response.status_code == 404 and "账号不存在" in response.text


@pytest.mark.parametrize("username", ["wangfang", "yinhui"])
def test_others_are_refused(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf, engine: Engine, username: str
) -> None:
    sign_in(username)
    assert client.get(PAGE).status_code == 403
    before = _accounts(engine)
    token = csrf("/staff" if username == "wangfang" else "/me")
    for action in ("/disable", "/reset", ""):
        data = {"csrf_token": token, "username": "yinhui", "password": "battery-staple-7"}
        data |= {"role": "staff", "name": "x"}
        response = client.post(PAGE + action, data=data)
        assert response.status_code == 403 and "账号管理仅供管理员使用" in response.text
    assert _accounts(engine) == before
    assert 'href="/admin/accounts"' not in client.get("/").text


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={PAGE}"


@pytest.mark.parametrize("action", ["", "/disable", "/enable", "/reset"])
def test_every_form_needs_the_csrf_token(
    client: TestClient, engine: Engine, admin_id: int, action: str
) -> None:
    before = _accounts(engine)
    data = {"username": "yinhui", "role": "staff", "name": "x", "password": "battery-staple-7"}
    response = client.post(PAGE + action, data=data | {"csrf_token": "forged"})
    assert response.status_code == 403 and "安全校验未通过" in response.text
    assert client.post(PAGE + action, data=data).status_code == 403
    assert _accounts(engine) == before
