"""Routes of the policy window: thin, the work is in :mod:`matcher.payouts.service`."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from matcher import clock
from matcher.api.deps import CatalogDep, CurrentPrincipal, RecordId, SessionDep, StaffPrincipal
from matcher.auth.tables import Role
from matcher.errors import NotFound
from matcher.payouts import export, service
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
from matcher.payouts.tables import DecisionKind

router = APIRouter(tags=["policy window"])


@router.post(
    "/claims",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimPublic,
    summary="提交兑现申请",
)
def file_claim(session: SessionDep, who: CurrentPrincipal, body: ClaimCreate) -> ClaimPublic:
    claim = service.file_claim(session, body.uscc, body.policy_id, body.facts, body.claim_date, who)
    return ClaimPublic.of(claim, clock.today())


@router.get(
    "/claims", response_model=list[ClaimPublic], summary="申请列表（工作人员按办理期限排序）"
)
def list_claims(
    session: SessionDep,
    who: CurrentPrincipal,
    open_only: Annotated[bool, Query(description="只列出待办的申请")] = False,
) -> list[ClaimPublic]:
    uscc = who.uscc if who.role is Role.ENTERPRISE else None
    today = clock.today()
    return [ClaimPublic.of(c, today) for c in PayoutRepository(session).queue(uscc, open_only)]


@router.get(
    "/claims/{claim_id}",
    response_model=VerificationPublic | OwnVerificationPublic,
    summary="申请及核验结果（企业只看到本申请是否在各项限额内）",
)
def read_claim(
    session: SessionDep, who: CurrentPrincipal, claim_id: RecordId
) -> VerificationPublic | OwnVerificationPublic:
    claim, verification = service.verification_of(session, claim_id, who)
    if who.role is Role.ENTERPRISE:
        return OwnVerificationPublic.of(claim, verification, clock.today())
    return VerificationPublic.of(claim, verification, clock.today())


@router.get(
    "/claims/{claim_id}/decisions", response_model=list[DecisionPublic], summary="申请的决定记录"
)
def claim_decisions(
    session: SessionDep, who: CurrentPrincipal, claim_id: RecordId
) -> list[DecisionPublic]:
    claim = PayoutRepository(session).claim(claim_id)
    if claim is None or not who.may_see(claim.uscc):
        raise NotFound("申请")
    return [DecisionPublic.of(d) for d in PayoutRepository(session).decisions(claim_id)]


@router.post(
    "/claims/{claim_id}/decisions",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionPublic,
    summary="作出决定：批准、驳回或要求补充材料（工作人员）",
)
def decide(
    session: SessionDep, staff: StaffPrincipal, claim_id: RecordId, body: DecisionCreate
) -> DecisionPublic:
    decision = service.decide(
        session, claim_id, DecisionKind(body.kind), staff, body.amount, body.reason
    )
    return DecisionPublic.of(decision)


@router.post(
    "/decisions/{decision_id}/reversal",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionPublic,
    summary="冲正一项批准决定（工作人员）",
)
def reverse(
    session: SessionDep, staff: StaffPrincipal, decision_id: RecordId, body: ReversalCreate
) -> DecisionPublic:
    return DecisionPublic.of(service.reverse(session, decision_id, body.reason, staff))


@router.get(
    "/payouts/export",
    summary="导出已批准兑现（财务）",
    description="账本核验未通过时拒绝导出（422，`ledger_invalid`）。",
    response_class=Response,
)
def export_payouts(
    session: SessionDep,
    catalog: CatalogDep,
    _staff: StaffPrincipal,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
) -> Response:
    titles = {p.id: p.policy.title for p in catalog}
    document = export.document(session, titles, format)
    headers = {"Content-Disposition": f'attachment; filename="{document.filename}"'}
    return Response(content=document.content, media_type=document.media_type, headers=headers)
