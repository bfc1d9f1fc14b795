"""Page dependencies: the signed-in principal by role, the posted form, the CSRF check, the
check of the address, the evaluation date."""

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from matcher import clock
from matcher.api.deps import SessionDep
from matcher.auth.service import Principal, account_principal
from matcher.auth.tables import Role
from matcher.text import has_control_characters
from matcher.web import session
from matcher.web.errors import LoginRequired, PageError
from matcher.web.fields import FieldInvalid, parse_date

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def posted_form(request: Request) -> dict[str, str]:
    """The text fields of a posted form (Starlette parses the body once and caches it).

    A form holding control characters (other than the line breaks of a text area) is refused
    whole: no field of any form may store them.
    """
    form = await request.form()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    texts = (text for item in fields.items() for text in item)
    if any(has_control_characters(text, multiline=True) for text in texts):
        raise PageError(
            422, "提交的内容有误", "填写的内容中含有无法保存的控制字符，请删除后重新提交。"
        )
    return fields


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


def check_address(request: Request) -> None:
    """Refuse a page address whose path or query holds control characters (``%00`` and kin)."""
    query = [text for item in request.query_params.multi_items() for text in item]
    if any(has_control_characters(str(text)) for text in [*request.path_params.values(), *query]):
        raise PageError(422, "网址有误", "网址中含有无法识别的控制字符，请检查后重新打开。")


def current_principal(request: Request, db: SessionDep) -> Principal | None:
    """The signed-in principal as its account stands now; a session whose account was
    disabled or removed (or that predates the username in the cookie) ends here."""
    account = session.username(request)
    who = account_principal(db, account, session.epoch(request)) if account is not None else None
    if who is None:
        if session.principal(request) is not None:
            session.sign_out(request)
        return None
    session.show(request, who)
    return who


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
