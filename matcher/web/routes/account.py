"""Signing in and out, and the 企业专属主页 of a signed-in enterprise."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from matcher.api.deps import CatalogDep, SessionDep
from matcher.api.ratelimit import client_address, rate_limits
from matcher.auth.service import Principal, authenticate_password, end_sessions, session_epoch
from matcher.auth.tables import Role
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.inbox import inbox
from matcher.web import session
from matcher.web.deps import AsOfDep, EnterpriseUser, FormDep
from matcher.web.rendering import render
from matcher.web.views.enterprise import load_enterprise

router = APIRouter()


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, so that ``?next=`` cannot send anyone away."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 0x20 for c in target):
        return None
    return target


def _home_of(who: Principal) -> str:
    return "/me" if who.role is Role.ENTERPRISE else "/staff"


@router.get("/login")
def login_page(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> HTMLResponse:
    """The sign-in form; ``?next=`` is where to go afterwards."""
    return render(request, "login.html", next=local_path(next_path), username="", error=None)


@router.post("/login", response_model=None)
def login(request: Request, db: SessionDep, form: FormDep) -> HTMLResponse | RedirectResponse:
    """Sign in with username and password; on failure the form again, with the username kept."""
    username, password = form.get("username", "").strip(), form.get("password", "")
    target = local_path(form.get("next"))
    wait = rate_limits(request).sign_in(client_address(request), username)
    if wait is not None:
        refused = render(
            request,
            "login.html",
            status=429,
            next=target,
            username=username,
            error=f"登录尝试过于频繁，请 {wait} 秒后再试。",
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    who = authenticate_password(db, username, password) if username and password else None
    if who is None:
        return render(
            request,
            "login.html",
            next=target,
            username=username,
            error="用户名或密码不正确，请重新输入。",
        )
    session.sign_in(request, who, username, session_epoch(db, username))
    return RedirectResponse(target or _home_of(who), status_code=303)


@router.post("/logout")
def logout(request: Request, db: SessionDep) -> RedirectResponse:
    """Sign out (a POST form, so no link or image can do it) of every session of the account:
    its cookies, copied or not, are refused from now on."""
    account = session.username(request)
    if account is not None:
        end_sessions(db, account)
    session.sign_out(request)
    return RedirectResponse("/", status_code=303)


LATEST_SHOWN = 3
"""Messages 企业专属主页 opens with; the rest are on /me/messages."""


@router.get("/me")
def my_page(
    request: Request, db: SessionDep, catalog: CatalogDep, who: EnterpriseUser, as_of: AsOfDep
) -> HTMLResponse:
    """企业专属主页: a short summary of its messages first (how many unread, the newest),
    then the enterprise's entitlements and facts."""
    assert who.uscc is not None, "an enterprise account is always bound to a code"
    view = load_enterprise(db, catalog, who.uscc, as_of)
    row = EnterpriseRepository(db).row(who.uscc)
    messages = inbox(db, row["id"], LATEST_SHOWN) if row is not None else None
    return render(request, "me.html", view=view, as_of=as_of, inbox=messages)
