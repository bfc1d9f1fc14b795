"""The staff 工作台: find an enterprise, see its facts and entitlements."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from matcher.api.deps import CatalogDep, SessionDep
from matcher.enterprises import service
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.schemas import EnterpriseSummary
from matcher.notices.pages import failed_notices
from matcher.web.attempt import Refusal, attempt
from matcher.web.deps import AsOfDep, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.enterprise import load_enterprise

router = APIRouter(prefix="/staff")

SHOWN = 50
FAILED_SHOWN = 20
QUERY_LENGTH = 100


@router.get("")
def workbench(request: Request, db: SessionDep, _who: StaffUser) -> HTMLResponse:
    """The search form and how many enterprises are on record."""
    total = EnterpriseRepository(db).count()
    failed = failed_notices(db, FAILED_SHOWN)
    return render(request, "staff.html", query="", found=None, count=0, total=total, failed=failed)


@router.post("")
def search(request: Request, db: SessionDep, _who: StaffUser, form: FormDep) -> HTMLResponse:
    """Enterprises whose name or code contains the query (posted, so it stays out of URLs)."""
    query = form.get("q", "").strip()[:QUERY_LENGTH]
    repository = EnterpriseRepository(db)
    rows, count = repository.search(query or None, 0, SHOWN)
    found = [EnterpriseSummary.model_validate(dict(row)) for row in rows]
    return render(
        request,
        "staff.html",
        query=query,
        found=found,
        count=count,
        total=repository.count(),
        failed=failed_notices(db, FAILED_SHOWN),
    )


@router.get("/enterprises/{uscc}")
def enterprise_page(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    _who: StaffUser,
    uscc: str,
    as_of: AsOfDep,
) -> HTMLResponse:
    """One enterprise's facts with their provenance, and its entitlements."""
    view = load_enterprise(db, catalog, uscc, as_of)
    if view is None:
        raise PageError(404, "未找到该企业", "没有这个统一社会信用代码的企业档案。")
    return render(request, "staff_enterprise.html", view=view, as_of=as_of)


@router.post("/enterprises/{uscc}/industry")
def confirm_industry(
    request: Request, db: SessionDep, who: StaffUser, uscc: str, form: FormDep
) -> Response:
    """Confirm or correct the industry code; recorded as 工作人员核实 with who and when."""
    code = form.get("industry_code", "")
    outcome = attempt(db, lambda: service.confirm_industry(db, uscc, code, who))
    if isinstance(outcome, Refusal):
        reasons = "；".join(f"{f.field}：{f.message}" for f in outcome.fields) or outcome.message
        raise PageError(outcome.status, "行业代码未保存", reasons)
    return RedirectResponse(f"/staff/enterprises/{uscc}#industry", status_code=303)
