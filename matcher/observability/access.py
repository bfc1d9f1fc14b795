"""One log line and one metrics observation per HTTP request, under the request's id.

Uvicorn's own access log is off (``matcher serve`` turns it off): it would repeat each request,
and write its raw path and query string, which this line leaves out. A request is named by its
route template (``/api/v1/claims/{claim_id}``), so neither the log nor the metrics' labels
grow with every id a client asks for; what matched no route is ``unmatched``.
"""

import logging
import time
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.observability.metrics import HttpMetrics
from matcher.observability.request_id import HEADER, accept, request_id

log = logging.getLogger("matcher.access")

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Any other method is labelled ``other``: a client may send whatever token it likes."""


def route_template(scope: Scope, root_path: str, routes: Sequence[BaseRoute]) -> str:
    """The template of the route that answered, with the prefixes it was included under.

    FastAPI's router leaves an API route on the scope, but keeps the prefixes of the routers
    it was included in apart from its template: the head of the path that the template's
    pattern leaves over (the shortest, as prefixes here hold no parameters) is put back.
    Other routes (``/openapi.json``, the static files' mount) leave no note: the app's own
    ``routes`` are asked which one the path, under the ``root_path`` it came with, matches.
    """
    route = scope.get("route")
    pattern = getattr(route, "path_regex", None)
    template = getattr(route, "path_format", None)
    if pattern is not None and isinstance(template, str):
        path: str = scope["path"]
        for cut, char in enumerate(path):
            if char == "/" and pattern.match(path[cut:]):
                return path[:cut] + template
    arrived = {**scope, "root_path": root_path}
    for candidate in routes:
        template = getattr(candidate, "path_format", None)
        if isinstance(template, str) and candidate.matches(arrived)[0] is Match.FULL:
            return template
    return UNMATCHED


class ObserveRequests:
    """Take or give the request its id (echoed in ``X-Request-ID``), then log and measure it."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics, routes: Sequence[BaseRoute]) -> None:
        self.app, self.metrics, self.routes = app, metrics, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        identifier = accept(Headers(scope=scope).get(HEADER))
        token = request_id.set(identifier)
        started, root_path = time.perf_counter(), scope.get("root_path", "")
        status = 500  # unless the app answers: an exception escaped it

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (HEADER.lower().encode("latin-1"), identifier.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            # The id stays set (the request's task, and its context, end with it): the
            # handler of unexpected errors, outside this middleware, logs the traceback
            # under it.
            self._record(scope, route_template(scope, root_path, self.routes), status, started)
            raise
        self._record(scope, route_template(scope, root_path, self.routes), status, started)
        request_id.reset(token)

    def _record(self, scope: Scope, route: str, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        method = scope["method"] if scope["method"] in METHODS else "other"
        self.metrics.observe(method, route, status, seconds)
        client = scope.get("client")
        log.info(
            "%s %s %d %.1fms",
            method,
            route,
            status,
            seconds * 1000,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "client": client[0] if client else None,
            },
        )
