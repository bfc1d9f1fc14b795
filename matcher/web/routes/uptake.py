"""The uptake dashboard (兑现看板) for staff: figures with their charts and tables, each
table as CSV, and the list of entitlements left unclaimed after notice."""

from datetime import date
from math import ceil

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from matcher import clock
from matcher.api.deps import CatalogDep, SessionDep
from matcher.errors import DomainError
from matcher.policies.catalog import Catalog
from matcher.uptake import take_up
from matcher.uptake.dashboard import SHEETS, Scope, panels
from matcher.uptake.sheets import PAID_NOTE, Sheet, to_csv, unclaimed_sheet
from matcher.web.deps import StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.uptake import NON_TAKE_UP, UptakeQuery, read_query

router = APIRouter(prefix="/staff/uptake")

PAGE_SIZE = 50
EXPORT_ROWS = 10_000
"""The most rows a CSV of the non-take-up list holds: a follow-up list, not a data dump."""


def _query(request: Request, catalog: Catalog) -> UptakeQuery:
    try:
        return read_query(request.query_params, catalog)
    except DomainError as error:
        raise PageError(422, "筛选条件有误", error.message) from None


def _scope(db: SessionDep, catalog: Catalog, query: UptakeQuery) -> Scope:
    policies = [compiled.policy for compiled in catalog]
    return Scope(db, policies, query.chosen, query.by, clock.today())


def _unclaimed_sheet(
    listed: list[take_up.Unclaimed], catalog: Catalog, today: date, days: int
) -> Sheet:
    titles = {compiled.id: compiled.policy.title for compiled in catalog}
    kinds = {compiled.id: compiled.policy.benefit.kind for compiled in catalog}
    return unclaimed_sheet(listed, titles, kinds, today, days)


def _csv(sheet: Sheet) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="uptake-{sheet.name}.csv"',
        "Cache-Control": "no-store",
    }
    return Response(to_csv(sheet), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("")
def dashboard(
    request: Request, db: SessionDep, catalog: CatalogDep, _who: StaffUser
) -> HTMLResponse:
    query = _query(request, catalog)
    scope = _scope(db, catalog, query)
    unclaimed = take_up.unclaimed_count(db, query.chosen, query.days, scope.today)
    return render(
        request,
        "uptake.html",
        query=query,
        panels=panels(scope),
        unclaimed=unclaimed,
        paid_note=PAID_NOTE,
        today=scope.today,
    )


@router.get("/non-take-up")
def non_take_up(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    _who: StaffUser,
    page: int = Query(1, ge=1, le=100_000),
) -> HTMLResponse:
    """Entitlements told at least N days ago and not claimed, longest waiting first."""
    query = _query(request, catalog)
    today = clock.today()
    total = take_up.unclaimed_count(db, query.chosen, query.days, today)
    pages = max(1, ceil(total / PAGE_SIZE))
    listed = take_up.unclaimed(
        db, query.chosen, query.days, today, (page - 1) * PAGE_SIZE, PAGE_SIZE
    )
    return render(
        request,
        "uptake_non_take_up.html",
        query=query,
        sheet=_unclaimed_sheet(listed, catalog, today, query.days),
        listed=listed,
        total=total,
        page=page,
        pages=pages,
        previous=query.href(NON_TAKE_UP, page=str(page - 1)) if page > 1 else None,
        following=query.href(NON_TAKE_UP, page=str(page + 1)) if page < pages else None,
    )


@router.get("/non-take-up.csv")
def non_take_up_csv(
    request: Request, db: SessionDep, catalog: CatalogDep, _who: StaffUser
) -> Response:
    query = _query(request, catalog)
    today = clock.today()
    listed = take_up.unclaimed(db, query.chosen, query.days, today, 0, EXPORT_ROWS)
    return _csv(_unclaimed_sheet(listed, catalog, today, query.days))


@router.get("/{name}.csv")
def sheet_csv(
    name: str, request: Request, db: SessionDep, catalog: CatalogDep, _who: StaffUser
) -> Response:
    """One table of the dashboard, as the page shows it with the same filter."""
    build = SHEETS.get(name)
    if build is None:
        raise PageError(404, "页面不存在", "没有这张统计表。")
    return _csv(build(_scope(db, catalog, _query(request, catalog))))
