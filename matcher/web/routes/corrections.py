"""更正企业信息: an enterprise corrects the facts it declares itself, staff correct any fact with
the basis of the correction; each fact's 信息来源 is shown beside it."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from matcher.api.deps import CatalogDep, SessionDep
from matcher.auth.service import Principal
from matcher.enterprises.corrections import correct_facts
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import FactRecord
from matcher.policies.catalog import Catalog
from matcher.profiles.model import EnterpriseProfile
from matcher.web.attempt import Refusal, attempt
from matcher.web.correction_form import correction_form, read_correction, refused
from matcher.web.deps import EnterpriseUser, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render

router = APIRouter()

Saved = Annotated[bool, Query(description="刚保存过")]


def _on_record(
    db: Session, catalog: Catalog, uscc: str
) -> tuple[EnterpriseProfile, dict[str, FactRecord]]:
    repository = EnterpriseRepository(db)
    profile = repository.get(uscc, catalog.facts)
    if profile is None:
        raise PageError(404, "未找到该企业", "没有这个统一社会信用代码的企业档案。")
    return profile, repository.provenance(uscc)


def _page(
    request: Request, db: Session, catalog: Catalog, uscc: str, staff: bool, saved: bool
) -> HTMLResponse:
    profile, provenance = _on_record(db, catalog, uscc)
    form = correction_form(profile, provenance, catalog.facts, staff)
    return render(request, "corrections.html", profile=profile, form=form, saved=saved)


def _correct(
    request: Request,
    db: Session,
    catalog: Catalog,
    uscc: str,
    who: Principal,
    posted: dict[str, str],
    staff: bool,
    done: str,
) -> Response:
    """Save the facts that differ from the record, all or none; or the form again with each
    problem beside its field."""
    profile, provenance = _on_record(db, catalog, uscc)
    form, changes = read_correction(posted, profile, provenance, catalog.facts, staff)
    if changes is not None:
        note = form.values.get("note")
        outcome = attempt(db, lambda: correct_facts(db, uscc, changes, who, catalog.facts, note))
        if not isinstance(outcome, Refusal):
            return RedirectResponse(f"{done}?saved=true", status_code=303)
        form = refused(form, outcome)
    return render(request, "corrections.html", 422, profile=profile, form=form, saved=False)


@router.get("/me/facts")
def my_facts(
    request: Request, db: SessionDep, catalog: CatalogDep, who: EnterpriseUser, saved: Saved = False
) -> HTMLResponse:
    """The facts the enterprise declares itself, to correct, beside where every fact came from."""
    assert who.uscc is not None, "an enterprise account is always bound to a code"
    return _page(request, db, catalog, who.uscc, False, saved)


@router.post("/me/facts")
def correct_my_facts(
    request: Request, db: SessionDep, catalog: CatalogDep, who: EnterpriseUser, form: FormDep
) -> Response:
    """Record the corrections as 企业自行申报, with who and when."""
    assert who.uscc is not None, "an enterprise account is always bound to a code"
    return _correct(request, db, catalog, who.uscc, who, form, False, "/me/facts")


@router.get("/staff/enterprises/{uscc}/corrections")
def enterprise_facts(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    _who: StaffUser,
    uscc: str,
    saved: Saved = False,
) -> HTMLResponse:
    """Every fact of the enterprise but its code and founders, to correct."""
    return _page(request, db, catalog, uscc, True, saved)


@router.post("/staff/enterprises/{uscc}/corrections")
def correct_enterprise_facts(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: StaffUser,
    uscc: str,
    form: FormDep,
) -> Response:
    """Record the corrections as 工作人员核实, with who, when and the basis given."""
    done = f"/staff/enterprises/{uscc}/corrections"
    return _correct(request, db, catalog, uscc, who, form, True, done)
