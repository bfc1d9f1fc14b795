"""免申即享 over JSON: thin, the work is in :mod:`matcher.no_application`."""

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from matcher import clock
from matcher.api.deps import (
    CurrentPrincipal,
    EnterprisePrincipal,
    RecordId,
    SessionDep,
    StaffPrincipal,
    UsccPath,
)
from matcher.api.errors import documented
from matcher.api.paging import Page, Paging
from matcher.api.responses import CREATED, locate
from matcher.api.routes.payouts import WRITE_ERRORS
from matcher.errors import NotFound
from matcher.no_application.approval import approve
from matcher.no_application.lists import propose, publish
from matcher.no_application.payee import confirm_payee, reuse_claim_payee
from matcher.no_application.repository import PayableRepository
from matcher.no_application.schemas import (
    BatchPublic,
    EntryPublic,
    ListCreate,
    ListPublic,
    PayeeConfirm,
)

router = APIRouter(tags=["免申即享"])


@router.get(
    "/no-application/lists",
    response_model=Page[ListPublic],
    summary="免申即享名单（工作人员）",
    responses=documented(401, 403, 422),
)
def list_lists(session: SessionDep, _staff: StaffPrincipal, page: Paging) -> Page[ListPublic]:
    return page.cut([ListPublic.of(payable) for payable in PayableRepository(session).lists()])


@router.post(
    "/no-application/lists",
    status_code=status.HTTP_201_CREATED,
    response_model=ListPublic,
    summary="生成免申即享名单（草稿，工作人员）",
    responses={**CREATED, **documented(*WRITE_ERRORS, 403)},
)
def propose_list(
    session: SessionDep,
    staff: StaffPrincipal,
    body: ListCreate,
    request: Request,
    response: Response,
) -> ListPublic:
    payable = propose(session, body.policy_id, body.as_of or clock.today(), staff)
    assert payable.id is not None
    locate(request, response, "read_list", list_id=payable.id)
    return _full(session, payable.id)


@router.get(
    "/no-application/lists/{list_id}",
    response_model=ListPublic,
    summary="一份名单：每家企业的金额、依据，或转为普通申请的原因（工作人员）",
    responses=documented(401, 403, 404, 422),
)
def read_list(session: SessionDep, _staff: StaffPrincipal, list_id: RecordId) -> ListPublic:
    return _full(session, list_id)


@router.post(
    "/no-application/lists/{list_id}/publish",
    response_model=ListPublic,
    summary="公示名单，并通知名单中的企业确认收款账户（工作人员）",
    responses=documented(*WRITE_ERRORS, 403, 409),
)
def publish_list(session: SessionDep, staff: StaffPrincipal, list_id: RecordId) -> ListPublic:
    publish(session, list_id, staff, clock.today())
    return _full(session, list_id)


@router.post(
    "/no-application/lists/{list_id}/approve",
    response_model=BatchPublic,
    summary="公示期满后批量批准兑现（工作人员）",
    description="已确认收款账户的条目逐一复核后记入决定账本；其余条目待确认后再次批准。",
    responses=documented(*WRITE_ERRORS, 403, 409),
)
def approve_list(session: SessionDep, staff: StaffPrincipal, list_id: RecordId) -> BatchPublic:
    return BatchPublic.of(approve(session, list_id, staff, clock.today()))


@router.get(
    "/enterprises/{uscc}/no-application",
    response_model=Page[EntryPublic],
    summary="企业的免申即享名单条目（已公示的）",
    responses=documented(401, 404, 422),
)
def enterprise_entries(
    session: SessionDep, who: CurrentPrincipal, uscc: UsccPath, page: Paging
) -> Page[EntryPublic]:
    if not who.may_see(uscc):
        raise NotFound("企业")
    entries = PayableRepository(session).published_entries_of(uscc)
    return page.cut([EntryPublic.of(entry, with_evidence=False) for entry, _list in entries])


@router.put(
    "/no-application/entries/{entry_id}/payee",
    response_model=EntryPublic,
    summary="企业确认收款账户（填写，或沿用此前申请的账户）",
    responses=documented(*WRITE_ERRORS, 403, 409),
)
def confirm_entry_payee(
    session: SessionDep, who: EnterprisePrincipal, entry_id: RecordId, body: PayeeConfirm
) -> EntryPublic:
    if body.from_claim is not None:
        entry = reuse_claim_payee(session, entry_id, body.from_claim, who)
    else:
        assert body.payee is not None
        entry = confirm_payee(session, entry_id, body.payee.value(), who)
    return EntryPublic.of(entry, with_evidence=False)


def _full(session: Session, list_id: int) -> ListPublic:
    repository = PayableRepository(session)
    payable = repository.payable_list(list_id)
    if payable is None:
        raise NotFound("名单")
    entries = [EntryPublic.of(entry, with_evidence=True) for entry in repository.entries(list_id)]
    return ListPublic.of(payable, entries)
