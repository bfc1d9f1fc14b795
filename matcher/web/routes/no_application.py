"""免申即享 pages: staff propose, publish and approve payable lists; anyone reads a list's 公示
(names and codes masked); an enterprise confirms the account its money goes to."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from matcher import clock
from matcher.api.deps import CatalogDep, SessionDep
from matcher.auth.service import Principal
from matcher.bounds import INT32_MAX
from matcher.documents.masking import mask_name, mask_uscc
from matcher.no_application.approval import approve
from matcher.no_application.lists import propose, publish
from matcher.no_application.payee import confirm_payee, reuse_claim_payee
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import LIST_STATUS_LABELS, ListStatus, PayableList
from matcher.policies.catalog import Catalog
from matcher.web.attempt import Refusal, attempt
from matcher.web.claim_form import PAYEE_FIELDS, read_payee
from matcher.web.deps import EnterpriseUser, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.fields import FieldInvalid, parse_date
from matcher.web.rendering import render

router = APIRouter()
ListId = Annotated[int, Path(gt=0, le=INT32_MAX)]
"""Ids are 32-bit integers in the database; any other number names no list or entry."""
STAFF = "/staff/no-application"
MINE = "/me/no-application"


def _titles(catalog: Catalog) -> dict[str, str]:
    return {c.id: c.policy.title for c in catalog}


def _list_or_404(db: Session, list_id: int) -> PayableList:
    payable = PayableRepository(db).payable_list(list_id)
    if payable is None:
        raise PageError(404, "未找到名单", "没有这份免申即享名单，请从名单列表进入。")
    return payable


@router.get(STAFF)
def lists_page(
    request: Request, db: SessionDep, catalog: CatalogDep, _who: StaffUser
) -> HTMLResponse:
    """Every payable list, and the form that proposes one."""
    return _lists(request, db, catalog)


def _lists(
    request: Request, db: Session, catalog: Catalog, refusal: Refusal | None = None
) -> HTMLResponse:
    policies = [c for c in catalog.in_force(clock.today()) if c.policy.no_application]
    return render(
        request,
        "no_application_lists.html",
        status=refusal.status if refusal else 200,
        lists=PayableRepository(db).lists(),
        policies=policies,
        titles=_titles(catalog),
        labels=LIST_STATUS_LABELS,
        today=clock.today(),
        problem=refusal.message if refusal else None,
    )


@router.post(STAFF, response_model=None)
def propose_page(
    request: Request, db: SessionDep, catalog: CatalogDep, who: StaffUser, form: FormDep
) -> HTMLResponse | RedirectResponse:
    try:
        day = parse_date(form.get("as_of")) or clock.today()
    except FieldInvalid as error:
        return _lists(request, db, catalog, Refusal(422, f"名单日期有误：{error}"))
    done = attempt(db, partial(propose, db, form.get("policy", ""), day, who))
    if isinstance(done, Refusal):
        return _lists(request, db, catalog, done)
    return RedirectResponse(f"{STAFF}/{done.id}", status_code=303)


@router.get(STAFF + "/{list_id}")
def list_page(
    request: Request, db: SessionDep, catalog: CatalogDep, _who: StaffUser, list_id: ListId
) -> HTMLResponse:
    """One list: each enterprise, its amount and the evidence of every criterion, or why it
    claims the ordinary way; publish or approve as the list stands."""
    return _list(request, db, catalog, list_id)


def _list(
    request: Request, db: Session, catalog: Catalog, list_id: int, refusal: Refusal | None = None
) -> HTMLResponse:
    payable = _list_or_404(db, list_id)
    return render(
        request,
        "no_application_list.html",
        status=refusal.status if refusal else 200,
        payable=payable,
        entries=PayableRepository(db).entries(list_id),
        title=_titles(catalog).get(payable.policy_id, payable.policy_id),
        labels=LIST_STATUS_LABELS,
        statuses=ListStatus,
        problem=refusal.message if refusal else None,
    )


@router.post(STAFF + "/{list_id}/publish", response_model=None)
def publish_page(
    request: Request, db: SessionDep, catalog: CatalogDep, who: StaffUser, list_id: ListId
) -> HTMLResponse | RedirectResponse:
    done = attempt(db, partial(publish, db, list_id, who, clock.today()))
    if isinstance(done, Refusal):
        return _list(request, db, catalog, list_id, done)
    return RedirectResponse(f"{STAFF}/{list_id}", status_code=303)


@router.post(STAFF + "/{list_id}/approve", response_model=None)
def approve_page(
    request: Request, db: SessionDep, catalog: CatalogDep, who: StaffUser, list_id: ListId
) -> HTMLResponse | RedirectResponse:
    done = attempt(db, partial(approve, db, list_id, who, clock.today()))
    if isinstance(done, Refusal):
        return _list(request, db, catalog, list_id, done)
    return RedirectResponse(f"{STAFF}/{list_id}", status_code=303)


@router.get("/public-notices/{list_id}")
def public_notice_page(
    request: Request, db: SessionDep, catalog: CatalogDep, list_id: ListId
) -> HTMLResponse:
    """The 公示 anyone may read: the enterprises to be paid, names and codes masked."""
    payable = PayableRepository(db).payable_list(list_id)
    if payable is None or payable.status is ListStatus.DRAFT:
        raise PageError(404, "未找到公示", "没有这份公示，请核对网址。")
    rows = [
        (mask_name(entry.name), mask_uscc(entry.uscc), entry.amount)
        for entry in PayableRepository(db).entries(list_id)
        if entry.excluded_reason is None
    ]
    return render(
        request,
        "public_notice.html",
        payable=payable,
        rows=rows,
        title=_titles(catalog).get(payable.policy_id, payable.policy_id),
    )


@router.get(MINE)
def my_entries_page(
    request: Request, db: SessionDep, catalog: CatalogDep, who: EnterpriseUser
) -> HTMLResponse:
    """The enterprise's 免申即享 payments, each with its account to confirm."""
    return _mine(request, db, catalog, who)


def _mine(
    request: Request,
    db: Session,
    catalog: Catalog,
    who: Principal,
    refusal: Refusal | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    assert who.uscc is not None, "an enterprise account is bound to its code"
    repository = PayableRepository(db)
    return render(
        request,
        "my_no_application.html",
        status=refusal.status if refusal else 200,
        entries=repository.published_entries_of(who.uscc),
        titles=_titles(catalog),
        known=repository.latest_payee_claim(who.uscc),
        payee_fields=PAYEE_FIELDS,
        errors=errors or {},
        problem=refusal.message if refusal else None,
    )


@router.post(MINE + "/{entry_id}", response_model=None)
def confirm_page(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: EnterpriseUser,
    entry_id: ListId,
    form: FormDep,
) -> HTMLResponse | RedirectResponse:
    """Confirm the account: the one of an earlier claim (one click), or one typed here."""
    if form.get("claim"):
        claim_id = int(form["claim"]) if form["claim"].isdigit() else 0
        done = attempt(db, partial(reuse_claim_payee, db, entry_id, claim_id, who))
    else:
        payee, errors = read_payee(form)
        if payee is None:
            refusal = Refusal(422, "请填写完整的收款账户（户名、开户行、账号）。")
            return _mine(request, db, catalog, who, refusal, errors)
        done = attempt(db, partial(confirm_payee, db, entry_id, payee, who))
    if isinstance(done, Refusal):
        return _mine(request, db, catalog, who, done)
    return RedirectResponse(MINE, status_code=303)
