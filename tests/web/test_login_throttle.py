"""Sign-in is throttled per username and per client address before any password is hashed:
200 wrong passwords in a few seconds get nowhere, and cost a handful of argon2 runs; with
Redis the count holds across workers."""

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from matcher.api.ratelimit import RateLimits, RedisLimiter
from matcher.app import create_app
from matcher.auth import service
from matcher.config import Settings
from tests.web.conftest import PASSWORD

CsrfOf = Callable[[str], str]
PER_USERNAME = Settings().login_attempts_per_username
PER_CLIENT = Settings().login_attempts_per_client
THROTTLED = re.compile(r"登录尝试过于频繁，请 (\d+) 秒后再试。")


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check the service runs (each one a real scrypt)."""
    checked: list[str] = []
    verify = service.verify_password

    def counting(password: str, stored: str) -> bool:
        checked.append(password)
        return verify(password, stored)

    monkeypatch.setattr(service, "verify_password", counting)
    return checked


def _login(client: TestClient, token: str, username: str, password: str) -> tuple[int, str]:
    data = {"csrf_token": token, "username": username, "password": password}
    response = client.post("/login", data=data, follow_redirects=False)
    return response.status_code, response.text


def test_two_hundred_wrong_passwords_get_nowhere(
    client: TestClient, csrf: CsrfOf, hashes: list[str]
) -> None:
    token = csrf("/login")
    answers = [_login(client, token, "yinhui", f"guess-{n:04}") for n in range(200)]
    statuses = [status for status, _html in answers]
    assert statuses == [200] * PER_USERNAME + [429] * (200 - PER_USERNAME)
    assert THROTTLED.search(answers[-1][1])
    assert len(hashes) == PER_USERNAME, "no password is hashed once throttled"
    assert _login(client, token, "yinhui", PASSWORD)[0] == 429, "even the right one, for now"
    assert client.get("/me", follow_redirects=False).status_code == 303, "nobody signed in"


def test_a_client_trying_many_names_is_throttled_too(
    client: TestClient, csrf: CsrfOf, hashes: list[str]
) -> None:
    token = csrf("/login")
    statuses = [_login(client, token, f"user{n}", "wrong-password")[0] for n in range(60)]
    assert statuses == [200] * PER_CLIENT + [429] * (60 - PER_CLIENT)
    assert len(hashes) == PER_CLIENT
    assert _login(client, token, "wangfang", PASSWORD)[0] == 429


def test_a_person_who_mistypes_a_few_times_still_signs_in(client: TestClient, csrf: CsrfOf) -> None:
    token = csrf("/login")
    for _ in range(3):
        assert _login(client, token, "yinhui", "typo")[0] == 200
    assert _login(client, token, "yinhui", PASSWORD)[0] == 303


def test_a_throttled_sign_in_says_when_to_try_again(client: TestClient, csrf: CsrfOf) -> None:
    token = csrf("/login")
    for n in range(PER_USERNAME):
        _login(client, token, "yinhui", f"guess-{n}")
    refused = client.post(
        "/login", data={"csrf_token": token, "username": "yinhui", "password": "x"}
    )
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    shown = THROTTLED.search(refused.text)
    assert shown is not None and int(shown.group(1)) == wait


@pytest.fixture
def second_worker(client: TestClient, redis_limiter: RedisLimiter) -> Iterator[TestClient]:
    """Another app on the same database, with the first one's cookies; both count sign-ins
    in the same Redis."""
    first = client.app.state
    other = create_app(first.settings, first.engine, first.catalog)
    for state in (first, other.state):
        state.rate_limits = RateLimits.of(first.settings, redis_limiter)
    with TestClient(other, cookies=client.cookies) as second:
        yield second


def test_with_redis_the_count_holds_across_workers(
    client: TestClient, second_worker: TestClient, csrf: CsrfOf, hashes: list[str]
) -> None:
    token = csrf("/login")
    second_worker.cookies.update(client.cookies)
    for n in range(PER_USERNAME):
        worker = client if n % 2 else second_worker
        assert _login(worker, token, "yinhui", f"guess-{n}")[0] == 200
    assert _login(client, token, "yinhui", PASSWORD)[0] == 429
    assert _login(second_worker, token, "yinhui", PASSWORD)[0] == 429
    assert len(hashes) == PER_USERNAME
