"""政策消息: the signed-in enterprise's in-app messages, a page at a time; opening one marks it
read and goes to the policy or claim it is about."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from matcher.api.deps import RecordId, SessionDep
from matcher.auth.service import Principal
from matcher.bounds import INT32_MAX
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import NotFound
from matcher.notices.inbox import inbox, mark_all_read, open_message
from matcher.web.deps import EnterpriseUser
from matcher.web.errors import PageError
from matcher.web.rendering import render

router = APIRouter()

PAGE_SIZE = 20


def _enterprise_id(db: Session, who: Principal) -> int:
    assert who.uscc is not None, "an enterprise account is always bound to a code"
    row = EnterpriseRepository(db).row(who.uscc)
    if row is None:
        raise PageError(404, "企业档案尚未建立", "请联系惠企政策兑现专窗登记企业信息。")
    enterprise_id: int = row["id"]
    return enterprise_id


@router.get("/me/messages")
def messages_page(
    request: Request,
    db: SessionDep,
    who: EnterpriseUser,
    page: Annotated[int, Query(ge=1, le=INT32_MAX // PAGE_SIZE)] = 1,
) -> HTMLResponse:
    """Every message, newest first, :data:`PAGE_SIZE` a page."""
    shown = inbox(db, _enterprise_id(db, who), PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, -(-shown.total // PAGE_SIZE))
    return render(request, "messages.html", inbox=shown, page=page, pages=pages)


@router.get("/me/messages/{message_id}")
def open_page(db: SessionDep, who: EnterpriseUser, message_id: RecordId) -> RedirectResponse:
    """Open a message: marked read, then the page of the policy or claim it is about."""
    try:
        message = open_message(db, _enterprise_id(db, who), message_id)
    except NotFound:
        raise PageError(404, "未找到该消息", "消息不存在，或不属于本企业。") from None
    return RedirectResponse(message.link, status_code=303)


@router.post("/me/messages/read")
def read_all(db: SessionDep, who: EnterpriseUser) -> RedirectResponse:
    """全部标为已读."""
    mark_all_read(db, _enterprise_id(db, who))
    return RedirectResponse("/me/messages", status_code=303)
