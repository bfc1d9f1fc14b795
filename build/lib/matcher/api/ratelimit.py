"""A per-client sliding-window rate limit for anonymous endpoints.

Counts live in the process; behind several workers each enforces its own share, which is
enough to stop one client from monopolising the anonymous calculator.
"""

import time
from collections import defaultdict, deque
from threading import Lock

from fastapi import Request

from matcher.api.errors import ApiError


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float = 60.0) -> None:
        self.limit, self.window = limit, window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def hit(self, client: str) -> bool:
        """Record a request from ``client``; False when it is over the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits[client]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        if not self.hit(client):
            raise ApiError(429, "rate_limited", "请求过于频繁，请稍后再试")


def anonymous_limit(request: Request) -> None:
    """The dependency that applies the app's limiter for anonymous endpoints."""
    limiter: RateLimiter = request.app.state.calculator_limiter
    limiter(request)
