"""Routes of the policy window: thin, the work is in :mod:`matcher.payouts.service`."""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from matcher import clock
from matcher.api.claim_query import StatusChoice, claim_filter_params
from matcher.api.deps import CatalogDep, CurrentPrincipal, RecordId, SessionDep, StaffPrincipal
from matcher.api.errors import documented
from matcher.api.paging import Page, Paging
from matcher.api.responses import CREATED, locate
from matcher.auth.tables import Role
from matcher.errors import NotFound
from matcher.notices.claims import claim_decided, claim_filed
from matcher.payouts import export, service
from matcher.payouts.claim_filter import ClaimFilter
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.schemas import (
    ClaimCreate,
    ClaimPublic,
    DecisionCreate,
    DecisionPublic,
    OwnVerificationPublic,
    ReversalCreate,
    VerificationPublic,
)
from matcher.payouts.tables import OPEN_STATUSES, DecisionKind

router = APIRouter(tags=["policy window"])


WRITE_ERRORS = (400, 401, 404, 413, 422, 503)
"""What any write here can be answered with: a bad body, no token, a record that is not
there (or not the caller's), a refusal, a busy database."""


@router.post(
    "/claims",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimPublic,
    summary="提交兑现申请",
    responses={**CREATED, **documented(*WRITE_ERRORS)},
)
def file_claim(
    session: SessionDep,
    who: CurrentPrincipal,
    body: ClaimCreate,
    request: Request,
    response: Response,
) -> ClaimPublic:
    payee = None if body.payee is None else body.payee.value()
    claim = service.file_claim(
        session, body.uscc, body.policy_id, body.facts, body.claim_date, who, payee=payee
    )
    claim_filed(session, claim)
    assert claim.id is not None
    locate(request, response, "read_claim", claim_id=claim.id)
    return ClaimPublic.of(claim, clock.today())


@router.get(
    "/claims",
    response_model=Page[ClaimPublic],
    summary="申请列表（工作人员按办理期限排序）",
    description="工作人员看到全部申请，企业只看到本企业的申请；默认按办理期限排序，无期限的在后。"
    "可按政策、状态、是否逾期、申请日期、办理期限、决定日期筛选，按企业名称、代码或申请编号查找；"
    "与工作台待办申请页的参数相同。",
    responses=documented(401, 422),
)
def list_claims(
    session: SessionDep,
    who: CurrentPrincipal,
    page: Paging,
    chosen: Annotated[ClaimFilter, Depends(claim_filter_params(StatusChoice.ALL))],
    open_only: Annotated[bool, Query(description="只列出待办的申请（同 status=open）")] = False,
) -> Page[ClaimPublic]:
    if open_only:
        chosen = replace(chosen, statuses=OPEN_STATUSES)
    if who.role is Role.ENTERPRISE:
        chosen = replace(chosen, uscc=who.uscc)
    repository, today = PayoutRepository(session), clock.today()
    claims = repository.queue(chosen, page.offset, page.limit)
    return page.of([ClaimPublic.of(c, today) for c in claims], repository.queue_length(chosen))


@router.get(
    "/claims/{claim_id}",
    response_model=VerificationPublic | OwnVerificationPublic,
    summary="申请及核验结果（企业只看到本申请是否在各项限额内）",
    responses=documented(401, 404, 422),
)
def read_claim(
    session: SessionDep, who: CurrentPrincipal, claim_id: RecordId
) -> VerificationPublic | OwnVerificationPublic:
    claim, verification = service.verification_of(session, claim_id, who)
    if who.role is Role.ENTERPRISE:
        return OwnVerificationPublic.of(claim, verification, clock.today())
    return VerificationPublic.of(claim, verification, clock.today())


@router.get(
    "/claims/{claim_id}/decisions",
    response_model=Page[DecisionPublic],
    summary="申请的决定记录（按账本顺序）",
    responses=documented(401, 404, 422),
)
def claim_decisions(
    session: SessionDep, who: CurrentPrincipal, claim_id: RecordId, page: Paging
) -> Page[DecisionPublic]:
    repository = PayoutRepository(session)
    claim = repository.claim(claim_id)
    if claim is None or not who.may_see(claim.uscc):
        raise NotFound("申请")
    return page.cut([DecisionPublic.of(d) for d in repository.decisions(claim_id)])


@router.post(
    "/claims/{claim_id}/decisions",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionPublic,
    summary="作出决定：批准、驳回或要求补充材料（工作人员）",
    responses={**CREATED, **documented(*WRITE_ERRORS, 403, 409)},
)
def decide(
    session: SessionDep,
    staff: StaffPrincipal,
    claim_id: RecordId,
    body: DecisionCreate,
    request: Request,
    response: Response,
) -> DecisionPublic:
    decision = service.decide(
        session, claim_id, DecisionKind(body.kind), staff, body.amount, body.reason, body.respond_by
    )
    claim_decided(session, decision, respond_by=body.respond_by)
    assert decision.id is not None
    locate(request, response, "read_decision", decision_id=decision.id)
    return DecisionPublic.of(decision)


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionPublic,
    summary="一项决定",
    responses=documented(401, 404, 422),
)
def read_decision(
    session: SessionDep, who: CurrentPrincipal, decision_id: RecordId
) -> DecisionPublic:
    repository = PayoutRepository(session)
    decision = repository.decision(decision_id)
    claim = None if decision is None else repository.claim(decision.claim_id)
    if decision is None or claim is None or not who.may_see(claim.uscc):
        raise NotFound("决定")
    return DecisionPublic.of(decision)


@router.post(
    "/decisions/{decision_id}/reversal",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionPublic,
    summary="冲正一项批准决定（工作人员）",
    responses={**CREATED, **documented(*WRITE_ERRORS, 403, 409)},
)
def reverse(
    session: SessionDep,
    staff: StaffPrincipal,
    decision_id: RecordId,
    body: ReversalCreate,
    request: Request,
    response: Response,
) -> DecisionPublic:
    reversal = service.reverse(session, decision_id, body.reason, staff)
    assert reversal.id is not None
    locate(request, response, "read_decision", decision_id=reversal.id)
    return DecisionPublic.of(reversal)


EXPORTED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "CSV 或 Excel 文件",
        "content": {
            media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
            for media in export.MEDIA_TYPES.values()
        },
    }
}


@router.get(
    "/payouts/export",
    summary="导出已批准兑现（财务）",
    description="账本核验未通过时拒绝导出（422，`ledger_invalid`）。",
    response_class=Response,
    responses={**EXPORTED, **documented(401, 403, 422)},
)
def export_payouts(
    session: SessionDep,
    catalog: CatalogDep,
    _staff: StaffPrincipal,
    format: Annotated[export.Format, Query()] = "csv",
) -> Response:
    titles = {p.id: p.policy.title for p in catalog}
    document = export.document(session, titles, format)
    headers = {"Content-Disposition": f'attachment; filename="{document.filename}"'}
    return Response(content=document.content, media_type=document.media_type, headers=headers)
