"""One error format for every 4xx and 5xx answer:
``{"error": {"code": "...", "message": "...", "details": [{"field", "code", "message"}]}}``.

``code`` is for programs, ``message`` (Chinese) for people. The domain's refusals
(:class:`~matcher.errors.DomainError`) are answered by kind: not found 404, conflict 409, any
other refusal 422. :class:`ApiError` is for refusals only HTTP knows (credentials, rates).
"""

import logging
from dataclasses import asdict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher.db import is_busy
from matcher.errors import Conflict, DomainError, NotFound
from matcher.profiles.errors import FieldError, ProfileError, translate

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "需要登录或提供有效的访问令牌"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持此请求方法"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "请求体须为 JSON"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
}
BUSY_RETRY_SECONDS = 5
"""Told to a client whose write found SQLite's lock taken for the whole busy timeout."""


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: list[FieldError] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_body(code: str, message: str, details: list[FieldError] | None = None) -> dict[str, Any]:
    return {
        "error": {"code": code, "message": message, "details": [asdict(d) for d in details or []]}
    }


def error_response(
    status: int, code: str, message: str, details: list[FieldError] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def status_of(error: DomainError) -> int:
    """The HTTP status that answers a domain refusal."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    return 422


def _request_errors(error: RequestValidationError) -> list[FieldError]:
    details = []
    for item in error.errors():
        location = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        details.append(FieldError(".".join(location) or "$", item["type"], translate(item)))
    return details


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one format."""

    @app.exception_handler(ApiError)
    async def _api(_request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.details)

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, error: DomainError) -> JSONResponse:
        return error_response(status_of(error), error.code, error.message, error.details)

    @app.exception_handler(ProfileError)
    async def _profile(_request: Request, error: ProfileError) -> JSONResponse:
        return error_response(422, "invalid_profile", "企业信息有误", error.errors)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        details = _request_errors(error)
        if any(d.code == "json_invalid" for d in details):
            return error_response(400, "malformed_json", "请求体不是有效的 JSON", details)
        return error_response(422, "invalid_request", "请求内容有误", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(error.status_code, ("http_error", "请求失败"))
        return error_response(error.status_code, code, message)

    @app.exception_handler(OperationalError)
    async def _database(_request: Request, error: OperationalError) -> JSONResponse:
        if not is_busy(error):
            raise error
        log.warning("database busy: %s", error)
        response = error_response(503, "database_busy", "系统正忙，请稍后再试")
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return error_response(500, "internal_error", "服务器内部错误")
