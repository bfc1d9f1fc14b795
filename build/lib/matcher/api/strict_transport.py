"""Strict-Transport-Security for production: a browser that has reached the service over
HTTPS once never tries plain HTTP for it again, where the session could be intercepted."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_HEADER = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
"""A year, the usual figure, for the service's host and the hosts under it."""


class StrictTransportSecurity:
    """Add the HSTS header to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), _HEADER]
            await send(message)

        await self.app(scope, receive, send_with_header)
