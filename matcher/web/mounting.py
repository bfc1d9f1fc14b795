"""Mount the web pages on the application: routes, static files, session cookie, error pages."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from matcher.api import errors
from matcher.config import Settings
from matcher.errors import DomainError, NotFound
from matcher.templating import TEMPLATES_DIR
from matcher.web.errors import LoginRequired, PageError
from matcher.web.rendering import render
from matcher.web.routes import router

SESSION_COOKIE = "matcher_session"
SESSION_SECONDS = 8 * 60 * 60
"""A working day: after that the person signs in again and the CSRF token is renewed."""


async def _page_error(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, PageError)
    response = render(
        request, "error.html", status=error.status, title=error.title, message=error.message
    )
    response.headers.update(error.headers)
    return response


NOT_PAGES = ("/api", "/metrics", "/docs", "/openapi.json")
"""Paths whose errors stay the API's JSON (or plain text); every other path is a page's."""

_NO_SUCH_PAGE = ("页面不存在", "您要打开的页面不存在，请检查网址，或从首页进入。")


def _is_page(path: str) -> bool:
    return not any(path == prefix or path.startswith(f"{prefix}/") for prefix in NOT_PAGES)


def _shown(error: Exception) -> tuple[int, str, str]:
    """The status, title and message of the page that answers ``error`` (:data:`errors.ANSWERED`).

    A path parameter that is no number (``/me/claims/abc``) names no page: 404, as any
    number that names no record does; a query the page cannot read is 422."""
    if isinstance(error, DomainError):
        title = "未找到" if isinstance(error, NotFound) else "无法办理"
        return errors.status_of(error), title, error.message
    if isinstance(error, RequestValidationError):
        if all(item.get("loc", ("",))[0] == "path" for item in error.errors()):
            return 404, *_NO_SUCH_PAGE
        return 422, "网址有误", "网址中的参数有误，请从页面上的链接进入。"
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        return 404, *_NO_SUCH_PAGE
    return error.status_code, "无法打开该页面", errors.http_message(error.status_code)[1]


async def _answer(request: Request, error: Exception) -> Response:
    """The site's error page for a page's path, the API's error body for any other: pages never
    show JSON, programs never get HTML."""
    if not _is_page(request.url.path):
        return errors.answer(request, error)
    status, title, message = _shown(error)
    return render(request, "error.html", status=status, title=title, message=message)


async def _login_required(_request: Request, error: Exception) -> RedirectResponse:
    assert isinstance(error, LoginRequired)
    return RedirectResponse(f"/login?next={quote(error.next_path, safe='/')}", status_code=303)


def mount_pages(app: FastAPI, config: Settings) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=TEMPLATES_DIR / "static"), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=config.environment == "production",
    )
    app.add_exception_handler(PageError, _page_error)
    app.add_exception_handler(LoginRequired, _login_required)
    for kind in errors.ANSWERED:  # in place of the API's handlers: the path decides
        app.add_exception_handler(kind, _answer)
