"""The claim's documents through the API: its 受理回执 and each decision's 决定书, as PDF."""

from typing import Any

from fastapi import APIRouter, Response

from matcher.api.deps import CurrentPrincipal, RecordId, SessionDep
from matcher.api.downloads import PDF, pdf_response
from matcher.api.errors import documented
from matcher.documents import printing, service

router = APIRouter(tags=["policy window"])

PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {}}, "description": "PDF 文件"}
}


@router.get(
    "/claims/{claim_id}/receipt.pdf",
    response_class=Response,
    summary="受理回执（PDF）",
    description="企业只能下载本企业申请的回执；附核验码和核验二维码。",
    responses={**PDF_ANSWER, **documented(401, 404, 422)},
)
def receipt_pdf(session: SessionDep, who: CurrentPrincipal, claim_id: RecordId) -> Response:
    return pdf_response(printing.print_receipt(service.receipt(session, claim_id, who)))


@router.get(
    "/claims/{claim_id}/decisions/{decision_id}.pdf",
    response_class=Response,
    summary="决定书（PDF）",
    description="批准、驳回或要求补充材料的决定书；冲正记录没有决定书。",
    responses={**PDF_ANSWER, **documented(401, 404, 422)},
)
def decision_pdf(
    session: SessionDep, who: CurrentPrincipal, claim_id: RecordId, decision_id: RecordId
) -> Response:
    letter = service.decision_letter(session, claim_id, decision_id, who)
    return pdf_response(printing.print_decision(letter))
