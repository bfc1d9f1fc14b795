"""One error format for every 4xx and 5xx answer:
``{"error": {"code": "...", "message": "...", "details": [{"field", "code", "message"}]}}``.

``code`` is for programs, ``message`` (Chinese) for people. The domain's refusals
(:class:`~matcher.errors.DomainError`) are answered by kind: not found 404, conflict 409, any
other refusal 422. :class:`ApiError` is for refusals only HTTP knows (credentials, rates).
Each operation lists the error statuses it can answer in its OpenAPI with :func:`documented`.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
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
        self,
        status: int,
        code: str,
        message: str,
        details: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []
        self.headers = headers or {}


class ErrorInfo(BaseModel):
    code: str = Field(description="错误代码，供程序判断")
    message: str = Field(description="中文说明，供人阅读")
    details: list[FieldError] = Field(description="逐项问题：字段路径、错误代码、中文说明")


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer; the OpenAPI documents each error status with it."""

    error: ErrorInfo


def error_body(code: str, message: str, details: list[FieldError] | None = None) -> dict[str, Any]:
    info = ErrorInfo(code=code, message=message, details=details or [])
    return ErrorBody(error=info).model_dump()


def error_response(
    status: int, code: str, message: str, details: list[FieldError] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def error_doc(description: str, example: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The OpenAPI of one error answer: the error body, what it means here, an example
    (:func:`error_body`); ``extra`` such as ``headers``. :func:`documented` has the usual ones."""
    return {
        "model": ErrorBody,
        "description": description,
        "content": {"application/json": {"example": example}},
        **extra,
    }


_DOCUMENTED: dict[int, dict[str, Any]] = {
    400: error_doc(
        "请求体不是有效的 JSON（`malformed_json`），或 CSV 不是 UTF-8（`invalid_encoding`）",
        error_body(
            "malformed_json",
            "请求体不是有效的 JSON",
            [FieldError("1", "json_invalid", "不是有效的 JSON：Expecting value")],
        ),
    ),
    401: error_doc(
        "缺少访问令牌（`unauthorized`），或令牌无效、已吊销（`invalid_token`）",
        error_body("invalid_token", "访问令牌无效或已吊销"),
    ),
    403: error_doc(
        "当前角色无权执行此操作（`forbidden`）", error_body("forbidden", "当前角色无权执行此操作")
    ),
    404: error_doc(
        "记录不存在，或调用方无权知道它存在（`not_found`）", error_body("not_found", "企业不存在")
    ),
    409: error_doc(
        "记录当前的状态不允许此操作（如 `already_exists`、`already_decided`、`not_reversible`）",
        error_body("already_exists", "统一社会信用代码 91419001MA4000000C 的企业已存在"),
    ),
    413: error_doc(
        "请求体超过 MATCHER_MAX_BODY_BYTES（`payload_too_large`）",
        error_body("payload_too_large", "请求体过大（上限 1000000 字节）"),
    ),
    422: error_doc(
        "请求内容有误（`invalid_request`、`invalid_profile`），或业务规则拒绝（如 "
        "`policy_not_in_force`、`amount_over_cap`）；`details` 逐项列出问题",
        error_body(
            "invalid_request",
            "请求内容有误",
            [FieldError("profile.employees", "int_type", "应为整数")],
        ),
    ),
    429: error_doc(
        "请求过于频繁（`rate_limited`），`Retry-After` 秒后再试",
        error_body("rate_limited", "请求过于频繁，请 12 秒后再试"),
        headers={"Retry-After": {"description": "须等待的秒数", "schema": {"type": "integer"}}},
    ),
    503: error_doc(
        "数据库忙（`database_busy`），稍后重试",
        error_body("database_busy", "系统正忙，请稍后再试"),
        headers={"Retry-After": {"description": "建议等待的秒数", "schema": {"type": "integer"}}},
    ),
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for an operation that can answer ``statuses``: each with the one error
    body, what it means, and an example."""
    return {status: _DOCUMENTED[status] for status in statuses}


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


def http_message(status: int) -> tuple[str, str]:
    """The code and Chinese message of an HTTP status HTTP alone decided (no route, no method)."""
    return _HTTP_CODES.get(status, ("http_error", "请求失败"))


def answer(_request: Request, error: Exception) -> JSONResponse:
    """The error body for a domain refusal, a request the route cannot read, or a status HTTP
    alone decided; the pages answer these with their own pages (:mod:`matcher.web.mounting`)."""
    if isinstance(error, DomainError):
        return error_response(status_of(error), error.code, error.message, error.details)
    if isinstance(error, RequestValidationError):
        details = _request_errors(error)
        if any(d.code == "json_invalid" for d in details):
            return error_response(400, "malformed_json", "请求体不是有效的 JSON", details)
        return error_response(422, "invalid_request", "请求内容有误", details)
    assert isinstance(error, StarletteHTTPException)
    return error_response(error.status_code, *http_message(error.status_code))


ANSWERED = (DomainError, RequestValidationError, StarletteHTTPException)
"""What :func:`answer` answers."""


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one format."""
    for kind in ANSWERED:
        app.add_exception_handler(kind, answer)

    @app.exception_handler(ApiError)
    async def _api(_request: Request, error: ApiError) -> JSONResponse:
        response = error_response(error.status, error.code, error.message, error.details)
        response.headers.update(error.headers)
        return response

    @app.exception_handler(ProfileError)
    async def _profile(_request: Request, error: ProfileError) -> JSONResponse:
        return error_response(422, "invalid_profile", "企业信息有误", error.errors)

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
