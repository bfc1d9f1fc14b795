"""The 政策沙盘 page: staff paste or edit a draft policy and see, before publishing, what it
would do over the whole population; nothing is written."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from matcher import clock
from matcher.api.deps import CatalogDep, get_engine
from matcher.policies.catalog import Catalog
from matcher.policies.issues import CatalogError
from matcher.sandbox.draft import current_text
from matcher.sandbox.report import VERDICT_LABELS
from matcher.sandbox.service import run_sandbox
from matcher.web.deps import FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.fields import FieldInvalid, parse_date
from matcher.web.rendering import render

router = APIRouter(prefix="/staff/sandbox")

DRAFT_LENGTH = 200_000
"""Far above the longest policy file of the seed catalog (about 20,000 characters)."""
POLICY_ID_LENGTH = 100

EngineDep = Annotated[Engine, Depends(get_engine)]


def _page(
    request: Request, catalog: Catalog, shown: dict[str, object], status: int = 200
) -> HTMLResponse:
    """The page: the form with what ``shown`` fills in, and the outcome of a run if any."""
    context: dict[str, object] = {
        "policies": catalog.policies,
        "chosen": "",
        "draft": "",
        "as_of": clock.today().isoformat(),
        "date_error": None,
        "issues": (),
        "report": None,
        "verdict_labels": VERDICT_LABELS,
    }
    return render(request, "staff_sandbox.html", status, **(context | shown))


@router.get("")
def sandbox_form(
    request: Request, catalog: CatalogDep, _who: StaffUser, policy: str | None = None
) -> HTMLResponse:
    """The empty form, or the form holding ``policy``'s current file to edit."""
    if policy is None:
        return _page(request, catalog, {})
    text = current_text(catalog, policy[:POLICY_ID_LENGTH])
    if text is None:
        raise PageError(404, "未找到该政策", "政策目录中没有这项政策，请从列表中选择。")
    return _page(request, catalog, {"chosen": policy, "draft": text})


@router.post("")
def sandbox_run(
    request: Request, catalog: CatalogDep, engine: EngineDep, _who: StaffUser, form: FormDep
) -> HTMLResponse:
    """The draft judged over every enterprise on record; or the form again with the problems
    publishing it would meet, or with the bad date."""
    draft = form.get("draft", "")
    as_of_text = form.get("as_of", "").strip()
    kept: dict[str, object] = {
        "draft": draft,
        "as_of": as_of_text,
        "chosen": form.get("policy", ""),
    }
    if len(draft) > DRAFT_LENGTH:
        raise PageError(413, "草案过长", f"草案不能超过 {DRAFT_LENGTH:,} 个字符。")
    try:
        as_of = parse_date(as_of_text) or clock.today()
    except FieldInvalid as error:
        return _page(request, catalog, kept | {"date_error": str(error)}, 422)
    try:
        report = run_sandbox(engine, catalog, draft, as_of)
    except CatalogError as error:
        return _page(request, catalog, kept | {"issues": error.issues}, 422)
    return _page(request, catalog, kept | {"report": report})
