"""The pages anyone may read: the home page and the 政策库."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from matcher import clock
from matcher.api.deps import CatalogDep
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.views.policy import present_policy

router = APIRouter()


@router.get("/")
def home(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """首页."""
    return render(request, "home.html", policy_count=len(catalog))


@router.get("/policies")
def policy_list(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """政策库: every policy of the catalog, in force or not."""
    return render(request, "policies.html", policies=catalog.policies, today=clock.today())


@router.get("/policies/{policy_id}")
def policy_page(request: Request, catalog: CatalogDep, policy_id: str) -> HTMLResponse:
    """One policy: criteria with their clauses, benefit, limits, how to apply."""
    compiled = catalog.get(policy_id)
    if compiled is None:
        raise PageError(404, "未找到该政策", "政策库中没有这项政策，请从政策库列表进入。")
    return render(
        request, "policy.html", view=present_policy(compiled, catalog), today=clock.today()
    )
