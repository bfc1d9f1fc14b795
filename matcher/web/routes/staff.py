"""The staff 工作台: the day's counts of the window, find an enterprise, see its facts,
entitlements and claims, record verified facts."""

from collections import defaultdict
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from matcher import clock
from matcher.api.deps import CatalogDep, SessionDep
from matcher.enterprises import service
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.schemas import EnterpriseSummary
from matcher.notices.pages import failed_notices
from matcher.payouts.desk import desk_counts
from matcher.web.attempt import Refusal, attempt
from matcher.web.declared_fields import (
    DeclaredFactsForm,
    facts_on_record,
    form_field_of,
    read_facts_form,
)
from matcher.web.deps import AsOfDep, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.contacts import enterprise_contacts
from matcher.web.views.enterprise import enterprise_claims, load_enterprise

router = APIRouter(prefix="/staff")

SHOWN = 50
FAILED_SHOWN = 20
QUERY_LENGTH = 100


@router.get("")
def workbench(request: Request, db: SessionDep, _who: StaffUser) -> HTMLResponse:
    """The search form and how many enterprises are on record."""
    total = EnterpriseRepository(db).count()
    failed = failed_notices(db, FAILED_SHOWN)
    return render(
        request,
        "staff.html",
        query="",
        found=None,
        count=0,
        total=total,
        failed=failed,
        counts=desk_counts(db, clock.today()),
    )


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
        counts=desk_counts(db, clock.today()),
    )


@router.get("/enterprises/{uscc}")
def enterprise_page(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: StaffUser,
    uscc: str,
    as_of: AsOfDep,
) -> HTMLResponse:
    """One enterprise's facts with their provenance, its entitlements and its contacts."""
    view = load_enterprise(db, catalog, uscc, as_of)
    if view is None:
        raise PageError(404, "未找到该企业", "没有这个统一社会信用代码的企业档案。")
    facts_form = facts_on_record(catalog.facts, view.profile.facts)
    contacts = enterprise_contacts(db, uscc, who)
    return render(
        request,
        "staff_enterprise.html",
        view=view,
        as_of=as_of,
        facts_form=facts_form,
        contacts=contacts,
        claims=enterprise_claims(db, catalog, uscc, clock.today()),
    )


@router.post("/enterprises/{uscc}/industry")
def confirm_industry(
    request: Request, db: SessionDep, catalog: CatalogDep, who: StaffUser, uscc: str, form: FormDep
) -> Response:
    """Confirm or correct the industry code; recorded as 工作人员核实 with who and when."""
    code = form.get("industry_code", "")
    outcome = attempt(db, lambda: service.confirm_industry(db, uscc, code, who, catalog.facts))
    if isinstance(outcome, Refusal):
        reasons = "；".join(f"{f.field}：{f.message}" for f in outcome.fields) or outcome.message
        raise PageError(outcome.status, "行业代码未保存", reasons)
    return RedirectResponse(f"/staff/enterprises/{uscc}#industry", status_code=303)


@router.post("/enterprises/{uscc}/facts")
def confirm_declared_facts(
    request: Request, db: SessionDep, catalog: CatalogDep, who: StaffUser, uscc: str, form: FormDep
) -> Response:
    """Record the facts the catalog declares, as verified (工作人员核实) with who and when; or
    the page again with a message beside each bad field."""
    facts_form, facts = read_facts_form(catalog.facts, form)
    if facts is not None:
        confirmed = facts
        outcome = attempt(
            db, lambda: service.confirm_declared_facts(db, uscc, confirmed, who, catalog.facts)
        )
        if not isinstance(outcome, Refusal):
            return RedirectResponse(f"/staff/enterprises/{uscc}#facts", status_code=303)
        if not outcome.fields:
            raise PageError(outcome.status, "信息未保存", outcome.message)
        facts_form = _with_errors(facts_form, outcome)
    today = clock.today()
    view = load_enterprise(db, catalog, uscc, today)
    if view is None:
        raise PageError(404, "未找到该企业", "没有这个统一社会信用代码的企业档案。")
    return render(
        request, "staff_enterprise.html", 422, view=view, as_of=today, facts_form=facts_form
    )


def _with_errors(form: DeclaredFactsForm, refusal: Refusal) -> DeclaredFactsForm:
    errors: dict[str, list[str]] = defaultdict(list)
    for problem in refusal.fields:
        errors[form_field_of(problem)].append(problem.message)
    return replace(form, errors=dict(errors))
