"""The documents of a claim as pages serve them: the enterprise downloads its own 受理回执
and 决定书, staff any claim's; and the public page ``/verify`` that checks a document's code."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from matcher.api.deps import SessionDep
from matcher.api.downloads import pdf_response
from matcher.api.ratelimit import Limit
from matcher.auth.service import Principal
from matcher.bounds import INT32_MAX
from matcher.documents import printing, service
from matcher.payouts.tables import DECISION_LABELS
from matcher.web.deps import EnterpriseUser, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.routes.claims import ClaimId
from matcher.web.throttle import hold_back

router = APIRouter()

TYPED_AT_MOST = 64
"""Longer than any code: such a query is not looked up."""


def decision_id_path(decision_id: int) -> int:
    if not 0 < decision_id <= INT32_MAX:
        raise PageError(404, "未找到该决定书", "决定书不存在")
    return decision_id


DecisionId = Annotated[int, Depends(decision_id_path)]


def _receipt(db: Session, who: Principal, claim_id: int) -> Response:
    return pdf_response(printing.print_receipt(service.receipt(db, claim_id, who)))


def _decision(db: Session, who: Principal, claim_id: int, decision_id: int) -> Response:
    letter = service.decision_letter(db, claim_id, decision_id, who)
    return pdf_response(printing.print_decision(letter))


@router.get("/me/claims/{claim_id}/receipt.pdf")
def my_receipt(db: SessionDep, who: EnterpriseUser, claim_id: ClaimId) -> Response:
    """受理回执 of one of the enterprise's claims."""
    return _receipt(db, who, claim_id)


@router.get("/me/claims/{claim_id}/decisions/{decision_id}.pdf")
def my_decision(
    db: SessionDep, who: EnterpriseUser, claim_id: ClaimId, decision_id: DecisionId
) -> Response:
    """决定书 of a decision on one of the enterprise's claims."""
    return _decision(db, who, claim_id, decision_id)


@router.get("/staff/claims/{claim_id}/receipt.pdf")
def their_receipt(db: SessionDep, who: StaffUser, claim_id: ClaimId) -> Response:
    """受理回执 of any claim, to print for an enterprise at the window."""
    return _receipt(db, who, claim_id)


@router.get("/staff/claims/{claim_id}/decisions/{decision_id}.pdf")
def their_decision(
    db: SessionDep, who: StaffUser, claim_id: ClaimId, decision_id: DecisionId
) -> Response:
    """决定书 of any claim's decision."""
    return _decision(db, who, claim_id, decision_id)


def _rate_limit(request: Request) -> None:
    """Per client as many checks a minute as the anonymous calculator allows, counted apart."""
    limit = Limit("verify", request.app.state.settings.calculator_rate_limit)
    hold_back(request, limit, "核验次数已达每分钟上限")


@router.get("/verify")
def verify_page(request: Request, db: SessionDep, code: str | None = None) -> HTMLResponse:
    """核验文件: the form, and with ``?code=`` what the code certifies, or 无法核验."""
    typed = (code or "").strip()
    if not typed:
        return render(request, "verify.html", typed="", checked=False, verdict=None)
    _rate_limit(request)
    verdict = service.check_code(db, typed) if len(typed) <= TYPED_AT_MOST else None
    return render(
        request,
        "verify.html",
        typed=typed,
        checked=True,
        verdict=verdict,
        altered=isinstance(verdict, service.Altered),
        decision_labels=DECISION_LABELS,
    )
