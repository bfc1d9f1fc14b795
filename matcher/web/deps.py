"""Page dependencies: the signed-in principal by role, the posted form, the CSRF check,
the evaluation date."""

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.web import session
from matcher.web.errors import LoginRequired, PageError
from matcher.web.fields import FieldInvalid, parse_date

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def posted_form(request: Request) -> dict[str, str]:
    """The text fields of a posted form (Starlette parses the body once and caches it)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(posted_form)]


async def check_csrf(request: Request) -> None:
    """Refuse any unsafe request whose form does not carry the session's CSRF token."""
    if request.method in _SAFE_METHODS:
        return
    form = await posted_form(request)
    if not session.csrf_valid(request, form.get(session.CSRF_FIELD)):
        raise PageError(
            403,
            "安全校验未通过",
            "表单已过期或来源无法确认，本次提交未被处理。请返回上一页，刷新后重新提交。",
        )


def current_principal(request: Request) -> Principal | None:
    return session.principal(request)


CurrentPrincipal = Annotated[Principal | None, Depends(current_principal)]


def signed_in(request: Request, who: CurrentPrincipal) -> Principal:
    if who is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return who


def require(*roles: Role, refusal: str) -> Callable[[Principal], Principal]:
    """A dependency that admits only signed-in ``roles`` and shows ``refusal`` to others."""

    def check(who: Annotated[Principal, Depends(signed_in)]) -> Principal:
        if who.role not in roles:
            raise PageError(403, "无权访问", refusal)
        return who

    return check


EnterpriseUser = Annotated[
    Principal, Depends(require(Role.ENTERPRISE, refusal="企业专属主页仅供企业账号使用。"))
]
StaffUser = Annotated[
    Principal,
    Depends(require(Role.STAFF, Role.ADMIN, refusal="工作台仅供兑现专窗工作人员使用。")),
]


def as_of_query(as_of: str | None = None) -> date:
    """The page's ``?as_of=YYYY-MM-DD``, today when absent."""
    try:
        day = parse_date(as_of)
    except FieldInvalid as error:
        raise PageError(400, "评估日期有误", str(error)) from None
    return day or clock.today()


AsOfDep = Annotated[date, Depends(as_of_query)]
