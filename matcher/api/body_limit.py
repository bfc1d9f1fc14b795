"""Refuse oversized request bodies before any of them is parsed."""

import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.api import errors


class BodySizeLimit:
    """Refuse a request body over ``limit`` bytes with 413, before any of it is parsed.

    A declared ``Content-Length`` is checked up front; a body without one (chunked) is counted
    as it arrives. Reading past the limit raises inside the app, which may turn that into an
    answer of its own (FastAPI answers 400 for a body it could not read): whatever the app
    answers then is dropped, and the 413 is sent instead.
    """

    def __init__(
        self, app: ASGIApp, limit: int, larger: Sequence[tuple[re.Pattern[str], int]] = ()
    ) -> None:
        """``larger``: the paths (whole) that take a larger body, such as uploads, and how large."""
        self.app, self.limit, self.larger = app, limit, larger

    def _limit(self, path: str) -> int:
        return next((size for paths, size in self.larger if paths.fullmatch(path)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        received, over = 0, False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                over = True
                raise _TooLarge
            return message

        async def send_unless_over(message: Message) -> None:
            if not over:
                await send(message)

        try:
            await self.app(scope, counting_receive, send_unless_over)
        except Exception:
            if not over:
                raise
        if over:
            await self._refuse(limit, scope, receive, send)

    async def _refuse(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.error_response(
            413, "payload_too_large", f"请求体过大（上限 {limit} 字节）"
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
