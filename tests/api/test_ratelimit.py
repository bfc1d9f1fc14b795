"""Rate limits: one contract for the in-process limiter and the one in Redis; Redis counts for
every worker at once; over the limit the API answers 429 with ``Retry-After``."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.api.ratelimit import InProcessLimiter, Limit, Limiter, RateLimits, RedisLimiter
from matcher.app import create_app
from matcher.config import Settings
from matcher.policies.catalog import default_catalog
from tests.conftest import REDIS_URL

THREE = Limit("test", 3)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["process", "redis"])
def limiter(request: pytest.FixtureRequest) -> Limiter:
    if request.param == "process":
        return InProcessLimiter()
    redis_limiter: RedisLimiter = request.getfixturevalue("redis_limiter")
    return redis_limiter


def test_a_key_gets_its_limit_and_then_a_wait(limiter: Limiter) -> None:
    answers = [limiter.hit(THREE, "10.0.0.1") for _ in range(5)]
    assert answers[:3] == [None, None, None]
    assert all(isinstance(wait, int) and 1 <= wait <= 60 for wait in answers[3:])


def test_keys_and_limits_count_apart(limiter: Limiter) -> None:
    for _ in range(3):
        assert limiter.hit(THREE, "10.0.0.1") is None
    assert limiter.hit(THREE, "10.0.0.1") is not None
    assert limiter.hit(THREE, "10.0.0.2") is None
    assert limiter.hit(Limit("other", 3), "10.0.0.1") is None


def test_the_window_moves_and_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = InProcessLimiter(clock)
    for step in (0, 10, 20):
        clock.now = 1000 + step
        assert limiter.hit(THREE, "a") is None
    clock.now = 1030
    assert limiter.hit(THREE, "a") == 30, "the first hit leaves the window at 1060"
    clock.now = 1059.5
    assert limiter.hit(THREE, "a") == 1
    clock.now = 1060
    assert limiter.hit(THREE, "a") is None, "the first hit has left the window"
    assert limiter.hit(THREE, "a") == 10, "refusals are not counted: the 1010 hit is next"


def test_the_process_forgets_clients_whose_minute_has_passed() -> None:
    clock = FakeClock()
    limiter = InProcessLimiter(clock)
    for n in range(1000):
        limiter.hit(THREE, f"10.0.{n // 256}.{n % 256}")
    assert len(limiter) == 1000
    clock.now += 61
    limiter.hit(THREE, "10.9.9.9")
    assert len(limiter) == 1


def test_workers_sharing_redis_never_admit_more_than_the_limit(
    redis_limiter: RedisLimiter, redis_prefix: str
) -> None:
    """Eight workers (each its own connection, as in other processes) hit one key 40 times at
    once: exactly the limit gets through."""
    workers = [RedisLimiter(REDIS_URL, key_prefix=redis_prefix) for _ in range(8)]
    five = Limit("concurrent", 5)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: workers[n % 8].hit(five, "10.0.0.1"), range(40)))
    assert answers.count(None) == 5


def test_an_unreachable_redis_is_refused_at_start() -> None:
    with pytest.raises(ConnectionError, match="does not answer"):
        RateLimits.of(Settings(redis_url="redis://127.0.0.1:1/0"))


def test_with_a_redis_url_the_limits_are_counted_in_redis() -> None:
    assert isinstance(RateLimits.of(Settings(redis_url=REDIS_URL)).limiter, RedisLimiter)
    assert isinstance(RateLimits.of(Settings(redis_url=None)).limiter, InProcessLimiter)


@pytest.fixture
def two_workers(engine: Engine, redis_limiter: RedisLimiter) -> Iterator[list[TestClient]]:
    """Two apps (as two workers or hosts) counting in the same Redis."""
    config = Settings(calculator_rate_limit=3, suggestion_rate_limit=2)
    apps = [create_app(config, engine, default_catalog()) for _ in range(2)]
    for app in apps:
        app.state.rate_limits = RateLimits.of(config, redis_limiter)
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield [first, second]


CALCULATE = ("/api/v1/calculator", {"profile": {}})
SUGGEST = ("/api/v1/tagging/suggest", {"text": "钢材压延加工"})


def test_the_calculator_limit_holds_across_workers(two_workers: list[TestClient]) -> None:
    first, second = two_workers
    path, body = CALCULATE
    assert [first.post(path, json=body).status_code for _ in range(2)] == [200, 200]
    assert second.post(path, json=body).status_code == 200
    refused = second.post(path, json=body)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    wait = refused.headers["Retry-After"]
    assert refused.json() == {
        "error": {
            "code": "rate_limited",
            "message": f"请求过于频繁，请 {wait} 秒后再试",
            "details": [],
        }
    }
    assert first.post(path, json=body).status_code == 429
    assert first.get("/api/v1/policies").status_code == 200, "only the limited endpoint"


def test_suggestions_have_a_budget_of_their_own(two_workers: list[TestClient]) -> None:
    first, second = two_workers
    path, body = SUGGEST
    assert first.post(path, json=body).status_code == 200
    assert second.post(path, json=body).status_code == 200
    refused = first.post(path, json=body)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in refused.headers
    assert first.post(*CALCULATE[:1], json=CALCULATE[1]).status_code == 200
