"""Rate limits: how many requests one client address (and sign-ins one account) may make a
minute, counted in a moving window: never more than the limit in any 60 seconds.

One :class:`Limiter` protocol, two places to count. By default the process counts
(:class:`InProcessLimiter`): each worker enforces its own share, and every minute the keys
without a hit in the last one are swept, so memory holds at most two minutes' clients. With
``MATCHER_REDIS_URL`` every worker and host counts in one Redis (:class:`RedisLimiter`, the
`limits` library's moving window: one atomic Lua script per hit, so concurrent requests never
slip past the limit).

The client is ``request.client.host`` as Starlette sees it: behind the proxy, uvicorn's proxy
headers make that the real client.
"""

import hashlib
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Protocol

from fastapi import Request
from limits import RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from matcher.api.errors import ApiError
from matcher.config import Settings

WINDOW_SECONDS = 60
REDIS_KEY_PREFIX = "matcher-rate"


@dataclass(frozen=True, slots=True)
class Limit:
    """``per_minute`` requests per key, counted under ``name``."""

    name: str
    per_minute: int


class Limiter(Protocol):
    def hit(self, limit: Limit, key: str) -> int | None:
        """Count one request of ``key`` against ``limit``: ``None`` when admitted, otherwise
        the whole seconds until one more would be (a refused request is not counted)."""


def _seconds(delay: float) -> int:
    return max(1, math.ceil(delay))


class InProcessLimiter:
    """The counts of this process: the embedded default."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = Lock()
        self._swept = clock()

    def hit(self, limit: Limit, key: str) -> int | None:
        now = self._clock()
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault((limit.name, key), deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= limit.per_minute:
                return _seconds(hits[0] + WINDOW_SECONDS - now)
            hits.append(now)
            return None

    def _sweep(self, now: float) -> None:
        """Once a window, forget every key without a hit in the last one."""
        if now - self._swept < WINDOW_SECONDS:
            return
        self._swept = now
        self._hits = {k: hits for k, hits in self._hits.items() if hits[-1] > now - WINDOW_SECONDS}

    def __len__(self) -> int:
        """How many keys are held."""
        return len(self._hits)


class RedisLimiter:
    """The counts of every worker and host, in Redis."""

    def __init__(self, url: str, key_prefix: str = REDIS_KEY_PREFIX) -> None:
        self._storage = RedisStorage(url, key_prefix=key_prefix)
        if not self._storage.check():
            raise ConnectionError(f"Redis at {url} does not answer")
        self._window = MovingWindowRateLimiter(self._storage)

    def hit(self, limit: Limit, key: str) -> int | None:
        item = RateLimitItemPerMinute(limit.per_minute, namespace=limit.name)
        if self._window.hit(item, key):
            return None
        return _seconds(self._window.get_window_stats(item, key).reset_time - time.time())


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The app's limits, and the limiter that counts them."""

    limiter: Limiter
    calculator: Limit
    """Anonymous calculator requests per client, the API and the page together."""
    suggestions: Limit
    """Anonymous industry suggestions per client (the calculator page asks as one types)."""
    sign_in_per_client: Limit
    sign_in_per_account: Limit

    @classmethod
    def of(cls, config: Settings, limiter: Limiter | None = None) -> "RateLimits":
        if limiter is None:
            limiter = RedisLimiter(config.redis_url) if config.redis_url else InProcessLimiter()
        return cls(
            limiter,
            Limit("calculator", config.calculator_rate_limit),
            Limit("suggestions", config.suggestion_rate_limit),
            Limit("sign-in-client", config.login_attempts_per_client),
            Limit("sign-in-account", config.login_attempts_per_username),
        )

    def sign_in(self, client: str, username: str) -> int | None:
        """Count a sign-in attempt of ``username`` from ``client``, before any password is
        hashed: ``None`` when admitted, otherwise the seconds to wait. The account is counted
        by a digest of the name, so no name the form was given is kept."""
        account = hashlib.sha256(username.encode("utf-8")).hexdigest()
        wait = self.limiter.hit(self.sign_in_per_client, client)
        return wait if wait is not None else self.limiter.hit(self.sign_in_per_account, account)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


def _apply(request: Request, limit: Limit) -> None:
    wait = rate_limits(request).limiter.hit(limit, client_address(request))
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"请求过于频繁，请 {wait} 秒后再试",
            headers={"Retry-After": str(wait)},
        )


def anonymous_limit(request: Request) -> None:
    """The dependency of the anonymous calculator: its budget per client."""
    _apply(request, rate_limits(request).calculator)


def suggestion_limit(request: Request) -> None:
    """The dependency of the anonymous industry suggestions: their budget per client."""
    _apply(request, rate_limits(request).suggestions)
