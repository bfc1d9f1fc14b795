"""管理员's accounts page: list, create, disable and enable accounts, reset passwords.

Each action is logged to ``matcher.audit`` with the acting account's id, the action and the
account it touched (the log line carries when); there is no audit table yet.
"""

import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.responses import Response

from matcher.api.deps import SessionDep
from matcher.auth.service import (
    MIN_PASSWORD_LENGTH,
    Principal,
    create_account,
    disable_account,
    enable_account,
    find_account,
    list_accounts,
    reset_password,
)
from matcher.auth.tables import Account, Role
from matcher.web import session
from matcher.web.deps import FormDep, require
from matcher.web.errors import PageError
from matcher.web.rendering import render

router = APIRouter(prefix="/admin/accounts")
audit = logging.getLogger("matcher.audit")

_admin_only = require(Role.ADMIN, refusal="账号管理仅供管理员使用。")
_CREATE_FIELDS = ("username", "role", "name", "uscc")


def acting_admin(
    request: Request, db: SessionDep, _who: Annotated[Principal, Depends(_admin_only)]
) -> int:
    """The id of the signed-in 管理员's account (which :func:`current_principal` has just
    found enabled)."""
    account = find_account(db, session.username(request) or "")
    assert account is not None and account.id is not None, "a signed-in account exists"
    return account.id


AdminId = Annotated[int, Depends(acting_admin)]


def _record(actor_id: int, action: str, account: Account) -> None:
    audit.info(
        "account %s %s by account %s",
        account.id,
        action,
        actor_id,
        extra={"actor_account_id": actor_id, "action": action, "account_id": account.id},
    )


def _page(
    request: Request,
    db: Session,
    status: int = 200,
    error: str | None = None,
    entered: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "admin_accounts.html",
        status,
        accounts=list_accounts(db),
        roles=list(Role),
        me=session.username(request),
        min_password=MIN_PASSWORD_LENGTH,
        error=error,
        entered=entered or dict.fromkeys(_CREATE_FIELDS, ""),
    )


@router.get("")
def accounts_page(request: Request, db: SessionDep, _actor: AdminId) -> HTMLResponse:
    """Every account, with the forms to create one and to act on each."""
    return _page(request, db)


@router.post("", response_model=None)
def create(
    request: Request, db: SessionDep, actor: AdminId, form: FormDep
) -> HTMLResponse | RedirectResponse:
    """Create an account; on a refusal the page again with the reason and what was entered."""
    entered = {name: form.get(name, "").strip() for name in _CREATE_FIELDS}
    try:
        account = create_account(
            db,
            entered["username"],
            form.get("password", ""),
            _role(entered["role"]),
            entered["name"],
            entered["uscc"] or None,
        )
    except (ValueError, IntegrityError) as error:
        db.rollback()
        message = "登录名已存在" if isinstance(error, IntegrityError) else str(error)
        return _page(request, db, 422, f"账号未创建：{message}", entered)
    _record(actor, "created", account)
    return _done(account)


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise ValueError("请选择角色") from None


def _acting_on(form: dict[str, str], action: Callable[[str], Account | None]) -> Account:
    """The account the form names, after ``action`` on its username; 404 if there is none."""
    account = action(form.get("username", ""))
    if account is None:
        raise PageError(404, "账号不存在", "没有这个登录名的账号，请返回账号管理页刷新后重试。")
    return account


def _done(account: Account) -> RedirectResponse:
    return RedirectResponse(f"/admin/accounts#account-{account.id}", status_code=303)


@router.post("/disable", response_model=None)
def disable(
    request: Request, db: SessionDep, actor: AdminId, form: FormDep
) -> HTMLResponse | RedirectResponse:
    """Disable an account and end its sessions now; an admin cannot disable their own."""
    if form.get("username") == session.username(request):
        return _page(request, db, 409, "不能停用自己正在使用的账号。")
    account = _acting_on(form, lambda username: disable_account(db, username))
    _record(actor, "disabled", account)
    return _done(account)


@router.post("/enable")
def enable(db: SessionDep, actor: AdminId, form: FormDep) -> Response:
    """Let a disabled account sign in again (its earlier sessions stay ended)."""
    account = _acting_on(form, lambda username: enable_account(db, username))
    _record(actor, "enabled", account)
    return _done(account)


@router.post("/reset", response_model=None)
def reset(
    request: Request, db: SessionDep, actor: AdminId, form: FormDep
) -> HTMLResponse | RedirectResponse:
    """Set a new password and end the account's sessions."""
    password = form.get("password", "")
    try:
        account = _acting_on(form, lambda username: reset_password(db, username, password))
    except ValueError as error:
        return _page(request, db, 422, f"密码未重设：{error}")
    _record(actor, "password_reset", account)
    return _done(account)
