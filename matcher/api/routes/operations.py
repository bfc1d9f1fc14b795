"""For the platform running the service: liveness, readiness, and the Prometheus metrics.

``/metrics`` tells business volumes (notices, claims, runs), so it is not public: with
``MATCHER_METRICS_TOKEN`` set it wants that bearer token; without, it answers clients on this
machine alone, and not a request a proxy forwarded (one carrying ``X-Forwarded-For`` or
``Forwarded``), which would otherwise come from loopback too.
"""

import hmac
import ipaddress
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel

from matcher.api.deps import CatalogDep, get_engine
from matcher.api.errors import ApiError, error_body, error_doc
from matcher.observability.metrics import Metrics
from matcher.observability.readiness import CHECKS, unready
from matcher.profiles.errors import FieldError

router = APIRouter(tags=["operations"])
metrics_router = APIRouter()


class Health(BaseModel):
    status: Literal["ok"]
    policies: int


class Readiness(BaseModel):
    status: Literal["ready"]
    checks: dict[str, Literal["ok"]]


@router.get("/health", summary="存活检查：进程在运行（不查数据库）")
def health(catalog: CatalogDep) -> Health:
    return Health(status="ok", policies=len(catalog))


@router.get(
    "/ready",
    summary="就绪检查：政策目录已载入、数据库可连接且结构为最新",
    responses={
        503: error_doc(
            "未就绪：details 列出未通过的检查（field 为检查名）",
            error_body(
                "not_ready",
                "服务尚未就绪",
                [FieldError("database", "database_unreachable", "数据库无法连接")],
            ),
        )
    },
)
def ready(request: Request, catalog: CatalogDep) -> Readiness:
    failed = unready(get_engine(request), catalog)
    if failed:
        raise ApiError(503, "not_ready", "服务尚未就绪", failed)
    return Readiness(status="ready", checks=dict.fromkeys(CHECKS, "ok"))


_bearer = HTTPBearer(auto_error=False)


def _local(request: Request) -> bool:
    forwarded = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    if request.client is None or forwarded:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


def _admit(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    token: str | None = request.app.state.settings.metrics_token
    if token is None:
        if not _local(request):
            raise ApiError(403, "forbidden", "仅限本机访问；远程采集请设置 MATCHER_METRICS_TOKEN")
        return
    given = "" if credentials is None else credentials.credentials
    if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(401, "unauthorized", "需要提供指标访问令牌（Authorization: Bearer …）")


@metrics_router.get("/metrics", include_in_schema=False, dependencies=[Depends(_admit)])
def metrics(request: Request) -> Response:
    collected: Metrics = request.app.state.metrics
    return Response(collected.exposition(), media_type=CONTENT_TYPE_LATEST)
