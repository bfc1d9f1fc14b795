"""Filing a claim through the web: an enterprise for itself, or staff on an enterprise's behalf;
and an enterprise's own claims."""

from dataclasses import dataclass
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from matcher import clock
from matcher.api.deps import CatalogDep, SessionDep
from matcher.auth.service import Principal
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.claims import claim_filed
from matcher.payouts import service
from matcher.payouts.claim_filter import ClaimFilter
from matcher.payouts.repository import PayoutRepository
from matcher.policies.catalog import Catalog
from matcher.policies.compile import CompiledPolicy
from matcher.web.attempt import Refusal, attempt
from matcher.web.claim_form import ClaimForm, empty_claim_form, read_claim_form, refused
from matcher.web.deps import EnterpriseUser, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.routes.claims import ClaimId
from matcher.web.routes.materials import my_claim_page
from matcher.web.views.claims import claim_rows

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Filing:
    """A claim about to be filed: the policy, the enterprise, and where the pages lead."""

    policy: CompiledPolicy
    uscc: str
    enterprise: str
    back: str
    """The page with the enterprise's entitlements."""
    claims: str
    """Where a filed claim is shown, as ``<claims>/<id>``."""
    staff: bool
    """Staff file it for the enterprise, and may date it back; an enterprise files it today."""


def _filing(
    db: Session,
    catalog: Catalog,
    policy_id: str | None,
    uscc: str,
    back: str,
    claims: str,
    staff: bool,
) -> Filing:
    compiled = catalog.get(policy_id or "")
    if compiled is None:
        raise PageError(404, "未找到该政策", "请从可享受政策列表中点击“申请兑现”进入。")
    record = EnterpriseRepository(db).row(uscc)
    if record is None:
        message = "企业档案尚未建立，请联系惠企政策兑现专窗登记企业信息。"
        raise PageError(404, "未找到该企业", message)
    return Filing(compiled, uscc, record["name"], back, claims, staff)


def _mine(db: Session, catalog: Catalog, who: Principal, policy_id: str | None) -> Filing:
    assert who.uscc is not None, "an enterprise account is always bound to a code"
    return _filing(db, catalog, policy_id, who.uscc, "/me", "/me/claims", staff=False)


def _theirs(db: Session, catalog: Catalog, uscc: str, policy_id: str | None) -> Filing:
    back = f"/staff/enterprises/{uscc}"
    return _filing(db, catalog, policy_id, uscc, back, "/staff/claims", staff=True)


def _form_page(
    request: Request, filing: Filing, form: ClaimForm, status: int = 200
) -> HTMLResponse:
    return render(request, "claim_new.html", status=status, filing=filing, form=form)


def _file(
    request: Request, db: Session, filing: Filing, who: Principal, posted: dict[str, str]
) -> HTMLResponse | RedirectResponse:
    """File the claim and show it; or the form again, every problem beside its field."""
    form = read_claim_form(filing.policy.policy, posted, filing.staff)
    if form.parsed is None:
        return _form_page(request, filing, form, 422)
    facts, claim_date = form.parsed.facts, form.parsed.claim_date
    claim = attempt(
        db,
        partial(
            service.file_claim,
            db,
            filing.uscc,
            filing.policy.id,
            facts,
            claim_date,
            who,
            payee=form.parsed.payee,
        ),
    )
    if isinstance(claim, Refusal):
        return _form_page(request, filing, refused(form, claim), claim.status)
    claim_filed(db, claim)
    return RedirectResponse(f"{filing.claims}/{claim.id}", status_code=303)


@router.get("/me/claims/new")
def my_claim_form(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: EnterpriseUser,
    policy: str | None = None,
) -> HTMLResponse:
    """The claim form of ``?policy=``, for the signed-in enterprise."""
    filing = _mine(db, catalog, who, policy)
    return _form_page(
        request, filing, empty_claim_form(filing.policy.policy, clock.today(), filing.staff)
    )


@router.post("/me/claims/new", response_model=None)
def file_my_claim(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: EnterpriseUser,
    posted: FormDep,
    policy: str | None = None,
) -> HTMLResponse | RedirectResponse:
    """提交兑现申请 for the signed-in enterprise."""
    return _file(request, db, _mine(db, catalog, who, policy), who, posted)


@router.get("/staff/enterprises/{uscc}/claims/new")
def their_claim_form(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    _who: StaffUser,
    uscc: str,
    policy: str | None = None,
) -> HTMLResponse:
    """The claim form of ``?policy=``, filled in by staff for the enterprise ``uscc``."""
    filing = _theirs(db, catalog, uscc, policy)
    return _form_page(
        request, filing, empty_claim_form(filing.policy.policy, clock.today(), filing.staff)
    )


@router.post("/staff/enterprises/{uscc}/claims/new", response_model=None)
def file_their_claim(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    who: StaffUser,
    uscc: str,
    posted: FormDep,
    policy: str | None = None,
) -> HTMLResponse | RedirectResponse:
    """代企业提交兑现申请."""
    return _file(request, db, _theirs(db, catalog, uscc, policy), who, posted)


@router.get("/me/claims")
def my_claims(
    request: Request, db: SessionDep, catalog: CatalogDep, who: EnterpriseUser
) -> HTMLResponse:
    """我的申请: the enterprise's claims by due date, with their status."""
    claims = PayoutRepository(db).queue(ClaimFilter(uscc=who.uscc))
    return render(request, "my_claims.html", rows=claim_rows(db, catalog, claims, clock.today()))


@router.get("/me/claims/{claim_id}")
def my_claim(
    request: Request, db: SessionDep, catalog: CatalogDep, who: EnterpriseUser, claim_id: ClaimId
) -> HTMLResponse:
    """One of the enterprise's claims: its stage, the recomputation, the materials and the
    timeline."""
    return my_claim_page(request, db, catalog, who, claim_id)
