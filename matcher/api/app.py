"""The FastAPI application: JSON API under /api/v1, web pages at /, docs at /docs."""

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from matcher.api import errors
from matcher.api.ratelimit import RateLimiter
from matcher.config import Settings, settings
from matcher.db import make_engine
from matcher.eligibility.endpoints import router as calculator_router
from matcher.enterprises.endpoints import router as enterprises_router
from matcher.payouts.endpoints import router as payouts_router
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.endpoints import router as policies_router
from matcher.policies.versions import publish_catalog
from matcher.tagging.endpoints import router as tagging_router
from matcher.web.mounting import mount_pages


class BodySizeLimit:
    """Refuse a request body over ``limit`` bytes with 413, before any of it is parsed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counting_receive():  # type: ignore[no-untyped-def]
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.error_response(
            413, "payload_too_large", f"请求体过大（上限 {self.limit} 字节）"
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(
    config: Settings | None = None, engine: Engine | None = None, catalog: Catalog | None = None
) -> FastAPI:
    config = config or settings()
    app = FastAPI(
        title="惠企政策精准推送 API",
        version="1",
        description="按企业画像匹配惠企政策：政策库、政策计算器、企业信息与可享受政策。",
    )
    app.state.settings = config
    app.state.engine = engine or make_engine(config.database_url)
    app.state.catalog = catalog or load_catalog(config.policies_dir)
    publish_catalog(app.state.engine, app.state.catalog)
    app.state.calculator_limiter = RateLimiter(config.calculator_rate_limit)
    errors.install(app)

    api = APIRouter(prefix="/api/v1")

    @api.get("/health", tags=["health"], summary="健康检查")
    def health() -> dict[str, object]:
        with app.state.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return {"status": "ok", "policies": len(app.state.catalog)}

    api.include_router(policies_router)
    api.include_router(calculator_router)
    api.include_router(enterprises_router)
    api.include_router(payouts_router)
    api.include_router(tagging_router)
    app.include_router(api)
    mount_pages(app, config)
    app.add_middleware(BodySizeLimit, limit=config.max_body_bytes)
    return app
