"""An enterprise's in-app messages (站内消息): read them, mark them read. Staff may read an
enterprise's messages; only the enterprise marks them read."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlmodel import Session

from matcher.api.deps import CurrentPrincipal, RecordId, SessionDep, UsccPath, require
from matcher.api.errors import documented
from matcher.api.paging import Page, Paging
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import NotFound
from matcher.notices.inbox import InAppMessage, inbox, mark_all_read, open_message

router = APIRouter(prefix="/enterprises/{uscc}/messages", tags=["messages"])

EnterpriseItself = Annotated[Principal, Depends(require(Role.ENTERPRISE))]


class MessagePublic(BaseModel):
    id: int
    kind: str = Field(description="通知类型，如 initial、amount_changed、claim_approved")
    kind_label: str
    title: str
    body: str
    policy_id: str
    claim_id: int | None = Field(description="申请通知所涉申请；政策通知为 null")
    link: str = Field(description="所涉政策或申请在本站的页面路径")
    created_at: datetime
    read_at: datetime | None = Field(description="企业读过的时间；未读为 null")

    @classmethod
    def of(cls, message: InAppMessage) -> "MessagePublic":
        return cls.model_validate(message, from_attributes=True)


class InboxPublic(Page[MessagePublic]):
    unread: int = Field(description="未读消息条数（全部，不分页）")


class MarkedRead(BaseModel):
    marked: int = Field(description="本次标为已读的条数")


def _enterprise_id(session: Session, who: Principal, uscc: str) -> int:
    """The enterprise ``uscc`` if ``who`` may see it; one it may not see does not exist."""
    row = EnterpriseRepository(session).row(uscc) if who.may_see(uscc) else None
    if row is None:
        raise NotFound("企业")
    enterprise_id: int = row["id"]
    return enterprise_id


@router.get(
    "",
    response_model=InboxPublic,
    summary="企业的站内消息（最新在前）",
    responses=documented(401, 404, 422),
)
def list_messages(
    session: SessionDep, who: CurrentPrincipal, uscc: UsccPath, page: Paging
) -> InboxPublic:
    shown = inbox(session, _enterprise_id(session, who, uscc), page.limit, page.offset)
    return InboxPublic(
        items=[MessagePublic.of(m) for m in shown.messages],
        total=shown.total,
        limit=page.limit,
        offset=page.offset,
        unread=shown.unread,
    )


@router.post(
    "/{message_id}/read",
    response_model=MessagePublic,
    summary="标记一条消息为已读（企业本身）",
    responses=documented(401, 403, 404, 422),
)
def read_message(
    session: SessionDep, who: EnterpriseItself, uscc: UsccPath, message_id: RecordId
) -> MessagePublic:
    return MessagePublic.of(open_message(session, _enterprise_id(session, who, uscc), message_id))


@router.post(
    "/read",
    response_model=MarkedRead,
    summary="全部标为已读（企业本身）",
    responses=documented(401, 403, 404, 422),
)
def read_all(session: SessionDep, who: EnterpriseItself, uscc: UsccPath) -> MarkedRead:
    return MarkedRead(marked=mark_all_read(session, _enterprise_id(session, who, uscc)))
