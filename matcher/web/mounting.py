"""Mount the web pages on the application: routes, static files, session cookie, error pages."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from matcher.config import Settings
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
