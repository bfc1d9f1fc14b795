"""The composition root: the FastAPI application with the JSON API under /api/v1, the web
pages at /, docs at /docs. Nothing in the feature packages imports it."""

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from matcher.api import errors
from matcher.api.body_limit import BodySizeLimit
from matcher.api.ratelimit import RateLimiter
from matcher.api.routes.eligibility import router as calculator_router
from matcher.api.routes.enterprises import router as enterprises_router
from matcher.api.routes.payouts import router as payouts_router
from matcher.api.routes.policies import router as policies_router
from matcher.api.routes.tagging import router as tagging_router
from matcher.api.strict_transport import StrictTransportSecurity
from matcher.config import Settings, settings
from matcher.db import make_engine
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.versions import publish_catalog
from matcher.web.mounting import mount_pages


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
    if config.environment == "production":
        app.add_middleware(StrictTransportSecurity)
    return app
