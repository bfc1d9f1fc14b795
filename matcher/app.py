"""The composition root: the FastAPI application with the JSON API under /api/v1, the web
pages at /, docs at /docs. Nothing in the feature packages imports it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine

from matcher.api import errors
from matcher.api.body_limit import BodySizeLimit
from matcher.api.materials import UPLOAD_PATHS, upload_limit
from matcher.api.ratelimit import RateLimits
from matcher.api.routes.contacts import router as contacts_router
from matcher.api.routes.documents import router as documents_router
from matcher.api.routes.eligibility import router as calculator_router
from matcher.api.routes.enterprises import router as enterprises_router
from matcher.api.routes.materials import router as materials_router
from matcher.api.routes.messages import router as messages_router
from matcher.api.routes.no_application import router as no_application_router
from matcher.api.routes.operations import metrics_router
from matcher.api.routes.operations import router as operations_router
from matcher.api.routes.payouts import router as payouts_router
from matcher.api.routes.policies import router as policies_router
from matcher.api.routes.tagging import router as tagging_router
from matcher.api.strict_transport import StrictTransportSecurity
from matcher.config import Settings, settings
from matcher.db import make_engine
from matcher.eligibility.answers import AnswerCache
from matcher.notices.follow import install as follow_fact_changes
from matcher.observability.access import ObserveRequests
from matcher.observability.metrics import Metrics
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.versions import publish_catalog
from matcher.reads import reads_for
from matcher.web.mounting import mount_pages

DOCS_ASSETS = "/docs/assets"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The hot path's reads pool their connections on the server's event loop."""
    await app.state.reads.open()
    try:
        yield
    finally:
        await app.state.reads.close()


def create_app(
    config: Settings | None = None, engine: Engine | None = None, catalog: Catalog | None = None
) -> FastAPI:
    config = config or settings()
    app = FastAPIOffline(  # /docs with the assets the package ships, not a CDN's
        title="惠企政策精准推送 API",
        version="1",
        description="按企业画像匹配惠企政策：政策库、政策计算器、企业信息与可享受政策。",
        static_url=DOCS_ASSETS,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from a validator
        redoc_url=None,  # ReDoc's bundle fetches its logo from its vendor's CDN whatever we serve
        lifespan=_lifespan,
    )
    follow_fact_changes()
    app.state.settings = config
    app.state.engine = engine or make_engine(config.database_url)
    app.state.reads = reads_for(app.state.engine)
    app.state.catalog = catalog or load_catalog(config.policies_dir)
    app.state.answers = AnswerCache(app.state.catalog, config.entitlement_cache_mb * 2**20)
    publish_catalog(app.state.engine, app.state.catalog)
    app.state.rate_limits = RateLimits.of(config)
    app.state.metrics = Metrics(app.state.engine)
    errors.install(app)

    api = APIRouter(prefix="/api/v1")
    api.include_router(operations_router)
    api.include_router(policies_router)
    api.include_router(calculator_router)
    api.include_router(enterprises_router)
    api.include_router(contacts_router)
    api.include_router(messages_router)
    api.include_router(payouts_router)
    api.include_router(documents_router)
    api.include_router(materials_router)
    api.include_router(no_application_router)
    api.include_router(tagging_router)
    app.include_router(api)
    app.include_router(metrics_router)
    mount_pages(app, config)
    app.add_middleware(
        BodySizeLimit,
        limit=config.max_body_bytes,
        larger=((UPLOAD_PATHS, upload_limit(config)),),
    )
    if config.environment == "production":
        app.add_middleware(StrictTransportSecurity)
    app.add_middleware(  # outermost: it sees every answer
        ObserveRequests, metrics=app.state.metrics.http, routes=app.router.routes
    )
    return app
