"""A session ends with its account: disabling an account signs it out at its next request, on
SQLite and PostgreSQL; production answers carry HSTS."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.app import create_app
from matcher.auth.service import disable_account
from matcher.config import Settings
from matcher.db import session_scope
from matcher.policies.catalog import Catalog

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]


def test_disabling_an_account_ends_its_session_at_once(
    client: TestClient, sign_in: SignIn, engine: Engine
) -> None:
    sign_in("yinhui")
    assert client.get("/me").status_code == 200
    with session_scope(engine) as session:
        disable_account(session, "yinhui")
    response = client.get("/me", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/me"
    assert "银辉新材料" not in client.get("/").text, "the pages show nobody signed in"


def test_a_disabled_account_cannot_act_with_a_signed_cookie(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf, engine: Engine
) -> None:
    sign_in("wangfang")
    token = csrf("/staff")
    with session_scope(engine) as session:
        disable_account(session, "wangfang")
    response = client.post(
        "/staff", data={"csrf_token": token, "q": "银辉"}, follow_redirects=False
    )
    assert response.status_code == 303, "sent to sign in, nothing searched"
    assert response.headers["location"].startswith("/login")


def test_a_disabled_account_cannot_sign_in(
    client: TestClient, csrf: CsrfOf, engine: Engine
) -> None:
    with session_scope(engine) as session:
        disable_account(session, "yinhui")
    data = {"csrf_token": csrf("/login"), "username": "yinhui", "password": "correct-horse-42"}
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 200 and "用户名或密码不正确" in response.text


def test_production_answers_carry_hsts(engine: Engine, catalog: Catalog) -> None:
    url = engine.url.render_as_string(hide_password=False)
    secrets = {"secret_key": "s" * 40, "ledger_key": "l" * 40, "founder_key": "f" * 40}
    config = Settings(database_url=url, environment="production", **secrets)
    with TestClient(create_app(config, engine, catalog)) as client:
        for path in ("/", "/api/v1/health", "/no-such-page"):
            header = client.get(path).headers.get("strict-transport-security")
            assert header == "max-age=31536000; includeSubDomains", path
    config = Settings(database_url=url, environment="test")
    with TestClient(create_app(config, engine, catalog)) as client:
        assert "strict-transport-security" not in client.get("/").headers


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("yinhui")
    assert client.get("/me").status_code == 200
    copied = dict(client.cookies)
    token = csrf("/me")
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.clear()
    for name, value in copied.items():
        client.cookies.set(name, value)
    replayed = client.get("/me", follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"] == "/login?next=/me"
    sign_in("yinhui")
    assert client.get("/me").status_code == 200, "signing in again starts a valid session"
