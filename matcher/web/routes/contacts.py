"""Contact pages: an enterprise's own (``/me/contacts``), staff's on the enterprise page, and
the links in messages that act without signing in (unsubscribe, confirm an e-mail address).

``links`` is mounted without the session's CSRF check: a mail client's one-click unsubscribe
(RFC 8058) posts with no cookie, and the signed token or secret in the address is what
authorises the request — a forger would need it.
"""

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from matcher.api.deps import NoticeConfig, RecordId, SessionDep
from matcher.auth.service import Principal
from matcher.errors import NotFound
from matcher.notices.addresses import display
from matcher.notices.confirmation import add_and_confirm, send_confirmation
from matcher.notices.consent import unsubscribed_contact
from matcher.notices.contacts import (
    WRONG_CODE,
    Actor,
    ContactBook,
    ContactWrite,
    book_of,
    confirm_link,
    contact_by_id,
)
from matcher.notices.tables import Channel, ContactOrigin, NoticeContact, NoticeTopic, OptOutVia
from matcher.web.attempt import Refusal, attempt
from matcher.web.deps import EnterpriseUser, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.contacts import contact_rows

router = APIRouter()
links = APIRouter()

ME = "/me/contacts"


def _write(form: dict[str, str]) -> ContactWrite:
    channel = Channel.SMS if form.get("channel") == Channel.SMS.value else Channel.EMAIL
    return ContactWrite(channel, form.get("address", ""), _topics(form))


def _topics(form: dict[str, str]) -> frozenset[NoticeTopic]:
    return frozenset(topic for topic in NoticeTopic if form.get(f"topic_{topic.value}"))


def _book(db: Session, uscc: str, who: Principal) -> ContactBook:
    try:
        return book_of(db, uscc, who)
    except NotFound:
        raise PageError(404, "未找到该企业", "没有这个统一社会信用代码的企业档案。") from None


def _own_book(db: Session, who: Principal) -> ContactBook:
    assert who.uscc is not None, "an enterprise account is always bound to a code"
    return _book(db, who.uscc, who)


def _my_page(
    request: Request, book: ContactBook, status: int = 200, error: str | None = None
) -> HTMLResponse:
    rows = contact_rows(book)
    return render(request, "contacts.html", status, rows=rows, error=error)


@router.get(ME)
def my_contacts(request: Request, db: SessionDep, who: EnterpriseUser) -> HTMLResponse:
    """The enterprise's contacts: add, confirm, choose topics, opt out, remove."""
    return _my_page(request, _own_book(db, who))


def _act(
    request: Request, db: Session, book: ContactBook, action: Callable[[], object]
) -> Response:
    """Do ``action`` and show the list again; a refusal is shown above it, nothing done."""
    outcome = attempt(db, action)
    if isinstance(outcome, Refusal):
        return _my_page(request, book, outcome.status, outcome.message)
    return RedirectResponse(ME, status_code=303)


@router.post(ME)
def add_my_contact(
    request: Request, db: SessionDep, who: EnterpriseUser, config: NoticeConfig, form: FormDep
) -> Response:
    book = _own_book(db, who)
    outcome = attempt(db, lambda: add_and_confirm(db, book, _write(form), config, Actor.of(who)))
    if isinstance(outcome, Refusal):
        return _my_page(request, book, outcome.status, outcome.message)
    _contact, error = outcome
    if error is not None:
        return _my_page(request, book, 200, f"已添加，但{error}")
    return RedirectResponse(ME, status_code=303)


@router.post(ME + "/{contact_id}/confirm")
def confirm_my_contact(
    request: Request, db: SessionDep, who: EnterpriseUser, contact_id: RecordId, form: FormDep
) -> Response:
    book = _own_book(db, who)
    outcome = attempt(
        db,
        lambda: book.confirm_code(
            book.get(contact_id, for_update=True), form.get("code", ""), Actor.of(who)
        ),
    )
    if isinstance(outcome, Refusal):
        return _my_page(request, book, outcome.status, outcome.message)
    if outcome is False:  # counted; the page's answer commits it
        return _my_page(request, book, 422, WRONG_CODE)
    return RedirectResponse(ME, status_code=303)


@router.post(ME + "/{contact_id}/resend")
def resend_my_confirmation(
    request: Request,
    db: SessionDep,
    who: EnterpriseUser,
    config: NoticeConfig,
    contact_id: RecordId,
) -> Response:
    book = _own_book(db, who)
    return _act(
        request,
        db,
        book,
        lambda: send_confirmation(
            db, book, book.get(contact_id, for_update=True), config, Actor.of(who)
        ),
    )


@router.post(ME + "/{contact_id}")
def change_my_contact(
    request: Request, db: SessionDep, who: EnterpriseUser, contact_id: RecordId, form: FormDep
) -> Response:
    """Topics, and opting out or back in (``subscribed``: ``0`` or ``1``)."""
    book = _own_book(db, who)
    subscribed = {"0": False, "1": True}.get(form.get("subscribed", ""))
    topics = _topics(form) if form.get("topics") else None
    return _act(
        request,
        db,
        book,
        lambda: book.change(
            book.get(contact_id), Actor.of(who), topics=topics, subscribed=subscribed
        ),
    )


@router.post(ME + "/{contact_id}/remove")
def remove_my_contact(
    request: Request, db: SessionDep, who: EnterpriseUser, contact_id: RecordId
) -> Response:
    book = _own_book(db, who)
    return _act(request, db, book, lambda: book.remove(book.get(contact_id), Actor.of(who)))


# staff, on the enterprise's page (the contacts section of staff_enterprise.html)


def _staff_act(db: Session, uscc: str, action: Callable[[], object]) -> Response:
    outcome = attempt(db, action)
    if isinstance(outcome, Refusal):
        reasons = "；".join(f.message for f in outcome.fields) or outcome.message
        raise PageError(outcome.status, "联系方式未保存", reasons)
    return RedirectResponse(f"/staff/enterprises/{uscc}#contacts", status_code=303)


STAFF = "/staff/enterprises/{uscc}/contacts"


@router.post(STAFF)
def staff_add_contact(
    db: SessionDep, who: StaffUser, config: NoticeConfig, uscc: str, form: FormDep
) -> Response:
    """Add a contact for the enterprise (recorded with who and when) and send its
    confirmation; a confirmation that could not be sent can be sent again from the list."""
    book = _book(db, uscc, who)
    return _staff_act(
        db, uscc, lambda: add_and_confirm(db, book, _write(form), config, Actor.of(who))
    )


@router.post(STAFF + "/{contact_id}")
def staff_change_contact(
    db: SessionDep, who: StaffUser, uscc: str, contact_id: RecordId, form: FormDep
) -> Response:
    """Correct the address (it must be confirmed again), the topics, or opt it out at the
    enterprise's request."""
    book = _book(db, uscc, who)
    address = form.get("address") or None
    topics = _topics(form) if form.get("topics") else None
    subscribed = False if form.get("subscribed") == "0" else None
    return _staff_act(
        db,
        uscc,
        lambda: book.change(book.get(contact_id), Actor.of(who), address, topics, subscribed),
    )


@router.post(STAFF + "/{contact_id}/resend")
def staff_resend(
    db: SessionDep, who: StaffUser, config: NoticeConfig, uscc: str, contact_id: RecordId
) -> Response:
    book = _book(db, uscc, who)
    return _staff_act(
        db,
        uscc,
        lambda: send_confirmation(
            db, book, book.get(contact_id, for_update=True), config, Actor.of(who)
        ),
    )


@router.post(STAFF + "/{contact_id}/remove")
def staff_remove(db: SessionDep, who: StaffUser, uscc: str, contact_id: RecordId) -> Response:
    book = _book(db, uscc, who)
    return _staff_act(db, uscc, lambda: book.remove(book.get(contact_id), Actor.of(who)))


# links in messages: no login

_BAD_LINK = PageError(404, "链接无效", "该链接无效或已失效，请使用最近收到的信息中的链接。")
_LINK = Actor("邮件中的链接", ContactOrigin.SELF)


def _unsubscribing(
    db: Session, config: NoticeConfig, token: str
) -> tuple[ContactBook, NoticeContact]:
    """The contact an unsubscribe token was signed for; the "invalid link" page otherwise."""
    contact_id = unsubscribed_contact(config.secret_key, token)
    contact = None if contact_id is None else contact_by_id(db, contact_id)
    if contact is None:
        raise _BAD_LINK
    return ContactBook(db, contact.enterprise_id), contact


def _address(contact: NoticeContact) -> str:
    return display(Channel(contact.channel), contact.address)


@links.get("/unsubscribe/{token}")
def unsubscribe_page(
    request: Request, db: SessionDep, config: NoticeConfig, token: str
) -> HTMLResponse:
    """What the link in an e-mail opens: the address, and a button that opts it out."""
    _book, contact = _unsubscribing(db, config, token)
    done = contact.unsubscribed_at is not None
    return render(request, "unsubscribe.html", address=_address(contact), done=done)


@links.post("/unsubscribe/{token}")
def unsubscribe(request: Request, db: SessionDep, config: NoticeConfig, token: str) -> Response:
    """Opt out at once: the page's button, or a mail client's one-click POST (RFC 8058)."""
    book, contact = _unsubscribing(db, config, token)
    book.unsubscribe(contact, OptOutVia.LINK, _LINK)
    return render(request, "unsubscribe.html", address=_address(contact), done=True)


@links.get("/contacts/confirm/{secret}")
def confirm_email_page(request: Request, secret: str) -> HTMLResponse:
    """A button that confirms, not the link itself: mail scanners open links, people press
    buttons."""
    return render(request, "confirm_email.html", address=None)


@links.post("/contacts/confirm/{secret}")
def confirm_email(request: Request, db: SessionDep, secret: str) -> HTMLResponse:
    outcome = attempt(db, lambda: confirm_link(db, secret))
    if isinstance(outcome, Refusal):
        raise PageError(outcome.status, "确认未完成", outcome.message)
    return render(request, "confirm_email.html", address=_address(outcome))
