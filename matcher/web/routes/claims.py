"""The window's claims for staff: the queue by due date, one claim's review and decision, and
the export of approved payouts for finance."""

from collections.abc import Mapping
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from matcher import clock
from matcher.api.deps import CatalogDep, SessionDep
from matcher.api.errors import status_of
from matcher.auth.service import Principal
from matcher.bounds import INT32_MAX
from matcher.notices.claims import claim_decided
from matcher.payouts import export, service
from matcher.payouts.export import Format
from matcher.payouts.ledger import LedgerInvalid
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Decision, DecisionKind
from matcher.policies.catalog import Catalog
from matcher.web.attempt import Refusal, attempt
from matcher.web.decision_form import (
    AMOUNT,
    REASON,
    REVERSAL_REASON,
    read_decision,
    read_reversal,
)
from matcher.web.deps import FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.claims import claim_rows
from matcher.web.views.review import load_review

router = APIRouter(prefix="/staff")


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
        refusal=refusal,
        errors=errors,
        typed=typed or {},
        fields={"amount": AMOUNT, "reason": REASON, "reversal_reason": REVERSAL_REASON},
    )


def _decide(
    db: Session, claim_id: int, who: Principal, posted: Mapping[str, str]
) -> Decision | Refusal:
    decision = read_decision(posted)
    if isinstance(decision, Refusal):
        return decision
    done = attempt(
        db,
        partial(service.decide, db, claim_id, decision.kind, who, decision.amount, decision.reason),
    )
    if not isinstance(done, Refusal):
        claim_decided(db, done)
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
    request: Request, db: SessionDep, catalog: CatalogDep, _who: StaffUser, show: str = "open"
) -> HTMLResponse:
    """待办申请 by due date, earliest first; ``?show=all`` lists decided claims too."""
    open_only = show != "all"
    claims = PayoutRepository(db).queue(open_only=open_only)
    rows = claim_rows(db, catalog, claims, clock.today())
    return render(request, "claims.html", rows=rows, open_only=open_only)


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
