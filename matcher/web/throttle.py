"""A page's per-client budget: over it, the 429 page says how long to wait."""

from fastapi import Request

from matcher.api.ratelimit import Limit, client_address, rate_limits
from matcher.web.errors import PageError


def hold_back(request: Request, limit: Limit, reached: str) -> None:
    """Count this request against ``limit``; when spent, a page saying ``reached`` (what is
    used up) and the seconds to wait."""
    wait = rate_limits(request).limiter.hit(limit, client_address(request))
    if wait is not None:
        raise PageError(
            429,
            "请求过于频繁",
            f"{reached}，请 {wait} 秒后再试。",
            headers={"Retry-After": str(wait)},
        )
