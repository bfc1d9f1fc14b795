"""The window's claims for staff: the queue by due date, one claim's review and decision, and
the export of approved payouts for finance."""

from collections.abc import Mapping
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from matcher import clock
from matcher.api.claim_query import StatusChoice, claim_filter_params
from matcher.api.deps import CatalogDep, SessionDep
from matcher.api.errors import status_of
from matcher.auth.service import Principal
from matcher.bounds import INT32_MAX
from matcher.notices.claims import claim_decided
from matcher.payouts import export, service
from matcher.payouts.capitals import amount_in_capitals
from matcher.payouts.claim_filter import ClaimFilter
from matcher.payouts.export import Format
from matcher.payouts.ledger import LedgerInvalid
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Decision, DecisionKind
from matcher.policies.catalog import Catalog
from matcher.web.approval import (
    CONFIRMED,
    NOT_APPROVABLE,
    NOT_CONFIRMED,
    amount_field,
    confirmed,
)
from matcher.web.attempt import Refusal, attempt
from matcher.web.decision_form import (
    AMOUNT,
    REASON,
    RESPOND_BY,
    REVERSAL_REASON,
    read_decision,
    read_reversal,
)
from matcher.web.deps import FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.claims import claim_rows
from matcher.web.views.materials import load_materials
from matcher.web.views.queue import queue_view
from matcher.web.views.review import load_review

router = APIRouter(prefix="/staff")

PAGE_SIZE = 50
QueueFilter = Annotated[ClaimFilter, Depends(claim_filter_params(StatusChoice.OPEN))]
"""The staff queue opens on 待办 (待审核 and 待补充材料)."""


def claim_id_path(claim_id: int) -> int:
    """Ids are 32-bit integers in the database; any other number names no claim."""
    if not 0 < claim_id <= INT32_MAX:
        raise PageError(404, "未找到该申请", "申请不存在")
    return claim_id


ClaimId = Annotated[int, Depends(claim_id_path)]


def _review_page(
    request: Request,
    db: Session,
    catalog: Catalog,
    who: Principal,
    claim_id: int,
    refusal: Refusal | None = None,
    field: str | None = None,
    typed: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The claim page; after a refusal, its message beside ``field`` and the input kept."""
    review = load_review(db, catalog, claim_id, who, clock.today())
    errors = {field: [refusal.message]} if refusal is not None and field else {}
    return render(
        request,
        "claim.html",
        status=refusal.status if refusal is not None else 200,
        review=review,
        materials=load_materials(db, review, who, f"/staff/claims/{claim_id}"),
        refusal=refusal,
        errors=errors,
        typed=typed or {},
        fields={
            "amount": AMOUNT,
            "reason": REASON,
            "respond_by": RESPOND_BY,
            "reversal_reason": REVERSAL_REASON,
        },
    )


def _decide(
    db: Session, claim_id: int, who: Principal, posted: Mapping[str, str]
) -> Decision | Refusal:
    decision = read_decision(posted)
    if isinstance(decision, Refusal):
        return decision
    if decision.kind is DecisionKind.APPROVE and not confirmed(decision, posted):
        return NOT_CONFIRMED
    done = attempt(
        db,
        partial(
            service.decide,
            db,
            claim_id,
            decision.kind,
            who,
            decision.amount,
            decision.reason,
            decision.respond_by,
        ),
    )
    if not isinstance(done, Refusal):
        claim_decided(db, done, respond_by=decision.respond_by)
    return done


def _reverse(
    db: Session, claim_id: int, who: Principal, posted: Mapping[str, str]
) -> Decision | Refusal:
    reversal = read_reversal(posted)
    if isinstance(reversal, Refusal):
        return reversal
    if reversal.decision_id not in {d.id for d in PayoutRepository(db).decisions(claim_id)}:
        return Refusal(404, "该申请没有这项决定，请刷新页面后重试。")
    return attempt(db, partial(service.reverse, db, reversal.decision_id, reversal.reason, who))


@router.get("/claims")
def queue(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    _who: StaffUser,
    chosen: QueueFilter,
    page: Annotated[int, Query(ge=1, le=INT32_MAX // PAGE_SIZE)] = 1,
) -> HTMLResponse:
    """待办申请 (or those the query's filters choose), by due date or claim date, a page of
    :data:`PAGE_SIZE` at a time; every choice is in the URL, so a view can be bookmarked."""
    repository = PayoutRepository(db)
    total = repository.queue_length(chosen)
    claims = repository.queue(chosen, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render(
        request,
        "claims.html",
        rows=claim_rows(db, catalog, claims, clock.today()),
        queue=queue_view(request.query_params, catalog, total, page, PAGE_SIZE),
    )


@router.get("/claims/{claim_id}")
def claim_page(
    request: Request, db: SessionDep, catalog: CatalogDep, who: StaffUser, claim_id: ClaimId
) -> HTMLResponse:
    """The verification beside the clauses, the limits, the decision forms and history."""
    return _review_page(request, db, catalog, who, claim_id)


@router.post("/claims/{claim_id}/decisions", response_model=None)
def decide(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: StaffUser,
    claim_id: ClaimId,
    posted: FormDep,
) -> HTMLResponse | RedirectResponse:
    """批准, 驳回 or 要求补充材料; when refused, the page again with the message and the input."""
    done = _decide(db, claim_id, who, posted)
    if isinstance(done, Refusal):
        field = AMOUNT.name if posted.get("kind") == DecisionKind.APPROVE else REASON.name
        return _review_page(request, db, catalog, who, claim_id, done, field, posted)
    return RedirectResponse(f"/staff/claims/{claim_id}#history", status_code=303)


@router.post("/claims/{claim_id}/approval", response_model=None)
def confirm_approval(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: StaffUser,
    claim_id: ClaimId,
    posted: FormDep,
) -> HTMLResponse:
    """The approval to confirm: enterprise, policy, the amount in figures and in capitals, the
    limits. Nothing is written until 确认批准 posts the decision with the amount confirmed."""
    decision = read_decision({**posted, "kind": DecisionKind.APPROVE})
    if isinstance(decision, Refusal):
        return _review_page(request, db, catalog, who, claim_id, decision, AMOUNT.name, posted)
    assert decision.amount is not None
    review = load_review(db, catalog, claim_id, who, clock.today())
    if not (review.open and review.verification.approvable):
        return _review_page(request, db, catalog, who, claim_id, NOT_APPROVABLE, AMOUNT.name)
    return render(
        request,
        "claim_confirm.html",
        review=review,
        amount=decision.amount,
        amount_input=amount_field(decision.amount),
        capitals=amount_in_capitals(decision.amount),
        confirm_field=CONFIRMED,
    )


@router.post("/claims/{claim_id}/reversal", response_model=None)
def reverse(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: StaffUser,
    claim_id: ClaimId,
    posted: FormDep,
) -> HTMLResponse | RedirectResponse:
    """冲正 the claim's standing approval; the claim returns to the queue."""
    done = _reverse(db, claim_id, who, posted)
    if isinstance(done, Refusal):
        field = REVERSAL_REASON.name
        return _review_page(request, db, catalog, who, claim_id, done, field, posted)
    return RedirectResponse(f"/staff/claims/{claim_id}#history", status_code=303)


def _export(db: Session, catalog: Catalog, kind: Format) -> Response:
    """已批准兑现 for finance, exactly as the API exports them: only from a ledger that verifies."""
    titles = {p.id: p.policy.title for p in catalog}
    try:
        exported = export.document(db, titles, kind)
    except LedgerInvalid as error:
        raise PageError(status_of(error), "无法导出", error.message) from None
    headers = {
        "Content-Disposition": f'attachment; filename="{exported.filename}"',
        "Cache-Control": "no-store",
    }
    return Response(content=exported.content, media_type=exported.media_type, headers=headers)


@router.get("/payouts/export.csv")
def export_csv(db: SessionDep, catalog: CatalogDep, _who: StaffUser) -> Response:
    """已批准兑现 as CSV (UTF-8 with a byte-order mark)."""
    return _export(db, catalog, "csv")


@router.get("/payouts/export.xlsx")
def export_xlsx(db: SessionDep, catalog: CatalogDep, _who: StaffUser) -> Response:
    """已批准兑现 as an Excel workbook."""
    return _export(db, catalog, "xlsx")
