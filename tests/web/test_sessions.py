from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response

CsrfOf = Callable[[str], str]
SignIn = Callable[[str], None]

PASSWORD = "correct-horse-42"


def _login(client: TestClient, token: str, username: str, password: str, **extra: str) -> Response:
    data = {"csrf_token": token, "username": username, "password": password, **extra}
    response: Response = client.post("/login", data=data, follow_redirects=False)
    return response


def test_signing_in_sets_a_protected_session_cookie(client: TestClient, csrf: CsrfOf) -> None:
    response = _login(client, csrf("/login"), "yinhui", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("matcher_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie, "plain HTTP outside production"
    page = client.get("/me")
    assert page.status_code == 200
    assert "银辉新材料（企业）" in page.text
    assert 'action="/logout"' in page.text


def test_a_wrong_password_says_so_and_signs_nobody_in(client: TestClient, csrf: CsrfOf) -> None:
    response = _login(client, csrf("/login"), "yinhui", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text
    assert 'value="yinhui"' in response.text, "the username is kept"
    assert 'value="not-the-password"' not in response.text
    assert client.get("/me", follow_redirects=False).status_code == 303
    unknown = _login(client, csrf("/login"), "nobody", PASSWORD)
    assert "用户名或密码不正确" in unknown.text


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(
    client: TestClient, csrf: CsrfOf
) -> None:
    asked = client.get("/staff/enterprises/91419001MA4000001F", follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?next=/staff/enterprises/91419001MA4000001F"
    login_page = client.get(asked.headers["location"])
    assert 'name="next" value="/staff/enterprises/91419001MA4000001F"' in login_page.text
    back = _login(
        client, csrf("/login"), "wangfang", PASSWORD, next="/staff/enterprises/91419001MA4000001F"
    )
    assert back.headers["location"] == "/staff/enterprises/91419001MA4000001F"
    for away in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = _login(client, csrf("/login"), "wangfang", PASSWORD, next=away)
        assert response.headers["location"] == "/staff", away


def test_sign_in_without_the_csrf_token_is_refused(client: TestClient, csrf: CsrfOf) -> None:
    csrf("/login")
    response = client.post(
        "/login", data={"username": "yinhui", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "安全校验未通过" in response.text
    assert client.get("/me", follow_redirects=False).status_code == 303, "still signed out"


def test_sign_out_needs_the_token_and_ends_the_session(
    client: TestClient, csrf: CsrfOf, sign_in: SignIn
) -> None:
    sign_in("yinhui")
    refused = client.post("/logout", follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/me").status_code == 200, "still signed in"
    done = client.post("/logout", data={"csrf_token": csrf("/me")}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/"
    assert client.get("/me", follow_redirects=False).status_code == 303
    assert 'href="/login"' in client.get("/").text


def test_sign_out_is_not_a_link(client: TestClient, sign_in: SignIn) -> None:
    sign_in("yinhui")
    assert client.get("/logout").status_code == 405


def test_signing_in_renews_the_csrf_token(client: TestClient, csrf: CsrfOf) -> None:
    before = csrf("/login")
    _login(client, before, "yinhui", PASSWORD)
    after = csrf("/me")
    assert after != before
    stale = client.post("/logout", data={"csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403
