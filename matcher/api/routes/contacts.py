"""Routes for an enterprise's notice contacts, and the SMS gateway's inbound webhook.

An enterprise manages its own contacts with its token; staff manage any enterprise's. The
work is in :mod:`matcher.notices.contacts` and :mod:`matcher.notices.confirmation`.
"""

import secrets
import unicodedata
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, Security, status
from fastapi.security import APIKeyHeader

from matcher.api.deps import CurrentPrincipal, NoticeConfig, RecordId, SessionDep, UsccPath
from matcher.api.errors import ApiError, documented, error_response
from matcher.api.paging import Page, Paging
from matcher.api.responses import CREATED, locate
from matcher.errors import DomainError
from matcher.notices.confirmation import add_and_confirm, send_confirmation
from matcher.notices.contacts import WRONG_CODE, Actor, ContactBook, book_of, unsubscribe_mobile
from matcher.notices.schemas import (
    CodeConfirm,
    ContactAdded,
    ContactChange,
    ContactCreate,
    ContactPublic,
    SmsInbound,
    SmsInboundResult,
)
from matcher.notices.tables import OptOutVia
from matcher.standards.addresses import AddressInvalid, mobile

router = APIRouter(tags=["contacts"])

OPT_OUT_WORDS = frozenset({"td", "t", "退订"})
"""Replies that opt out, compared trimmed, NFKC-normalised and case-folded."""


def _book(session: SessionDep, viewer: CurrentPrincipal, uscc: UsccPath) -> ContactBook:
    return book_of(session, uscc, viewer)


Book = Annotated[ContactBook, Depends(_book)]
ANSWERS = (400, 401, 404, 413, 422, 503)
"""What every contact operation may answer besides success."""
PATH = "/enterprises/{uscc}/contacts"


@router.get(PATH, summary="企业的通知联系方式", responses=documented(*ANSWERS))
def list_contacts(book: Book, page: Paging) -> Page[ContactPublic]:
    return page.cut([ContactPublic.of(c) for c in book.contacts()])


@router.get(
    PATH + "/{contact_id}", name="contact", summary="一个联系方式", responses=documented(*ANSWERS)
)
def get_contact(book: Book, contact_id: RecordId) -> ContactPublic:
    return ContactPublic.of(book.get(contact_id))


@router.post(
    PATH,
    status_code=status.HTTP_201_CREATED,
    response_model=ContactAdded,
    summary="添加联系方式（随即发送确认信息）",
    description="新地址在确认之前只会收到确认信息：短信验证码，或邮件中的确认链接。",
    responses={**CREATED, **documented(*ANSWERS, 409)},
)
def add_contact(
    request: Request,
    response: Response,
    session: SessionDep,
    uscc: UsccPath,
    book: Book,
    viewer: CurrentPrincipal,
    config: NoticeConfig,
    body: ContactCreate,
) -> ContactAdded:
    contact, error = add_and_confirm(session, book, body.write(), config, Actor.of(viewer))
    added = ContactPublic.of(contact)
    locate(request, response, "contact", uscc=uscc, contact_id=added.id)
    return ContactAdded(contact=added, confirmation_sent=error is None, confirmation_error=error)


@router.patch(
    PATH + "/{contact_id}",
    response_model=ContactPublic,
    summary="修改联系方式",
    responses=documented(*ANSWERS, 409),
)
def change_contact(
    book: Book, viewer: CurrentPrincipal, contact_id: RecordId, body: ContactChange
) -> ContactPublic:
    contact = book.change(
        book.get(contact_id), Actor.of(viewer), body.address, body.topics, body.subscribed
    )
    return ContactPublic.of(contact)


@router.delete(
    PATH + "/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除联系方式",
    responses=documented(*ANSWERS),
)
def remove_contact(book: Book, viewer: CurrentPrincipal, contact_id: RecordId) -> Response:
    book.remove(book.get(contact_id), Actor.of(viewer))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    PATH + "/{contact_id}/confirmation",
    response_model=ContactPublic,
    summary="重新发送确认信息",
    description="同一联系方式两次发送之间至少间隔 MATCHER_CONFIRMATION_INTERVAL_SECONDS 秒。",
    responses=documented(*ANSWERS, 409),
)
def resend_confirmation(
    session: SessionDep,
    book: Book,
    viewer: CurrentPrincipal,
    config: NoticeConfig,
    contact_id: RecordId,
) -> ContactPublic:
    contact = book.get(contact_id, for_update=True)
    send_confirmation(session, book, contact, config, Actor.of(viewer))
    return ContactPublic.of(contact)


@router.post(
    PATH + "/{contact_id}/confirm",
    response_model=ContactPublic,
    summary="输入短信验证码确认",
    responses=documented(*ANSWERS),
)
def confirm_contact(
    book: Book, viewer: CurrentPrincipal, contact_id: RecordId, body: CodeConfirm
) -> Response | ContactPublic:
    contact = book.get(contact_id, for_update=True)
    if not book.confirm_code(contact, body.code, Actor.of(viewer)):
        # answered, not raised, so that the wrong attempt is counted (and committed)
        return error_response(422, "wrong_code", WRONG_CODE)
    return ContactPublic.of(contact)


_inbound_token = APIKeyHeader(
    name="X-Inbound-Token",
    auto_error=False,
    description="须为 MATCHER_SMS_INBOUND_TOKEN（短信网关与本服务约定的共享密钥）",
)


@router.post(
    "/sms/inbound",
    response_model=SmsInboundResult,
    summary="短信网关上行消息（回复 TD 退订）",
    responses=documented(400, 401, 413, 422, 503),
)
def sms_inbound(
    session: SessionDep,
    config: NoticeConfig,
    body: SmsInbound,
    token: Annotated[str | None, Security(_inbound_token)] = None,
) -> SmsInboundResult:
    expected = config.sms_inbound_token
    if (
        expected is None
        or token is None
        or not secrets.compare_digest(token.encode(), expected.encode())
    ):
        raise ApiError(401, "invalid_token", "上行消息令牌无效")
    words = unicodedata.normalize("NFKC", body.text).strip().casefold()
    if words not in OPT_OUT_WORDS:
        return SmsInboundResult(opted_out=0)
    try:
        sender = mobile(body.mobile)
    except AddressInvalid as error:
        raise DomainError(error.code, error.message) from None
    return SmsInboundResult(opted_out=unsubscribe_mobile(session, sender, OptOutVia.TD))
