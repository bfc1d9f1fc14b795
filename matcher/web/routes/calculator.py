"""The anonymous 政策计算器: a form in, the entitlement list out, nothing stored."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from matcher import clock
from matcher.api.deps import CatalogDep
from matcher.api.ratelimit import rate_limits
from matcher.eligibility.ask_first import ask_first
from matcher.eligibility.evaluate import evaluate
from matcher.web.calculator_form import (
    CalculatorForm,
    calculator_groups,
    questions,
    read_calculator,
)
from matcher.web.deps import FormDep
from matcher.web.rendering import render
from matcher.web.throttle import hold_back
from matcher.web.views.entitlements import present_result

router = APIRouter()


def _rate_limit(request: Request) -> None:
    """The API calculator's per-client budget, shared by the page."""
    hold_back(request, rate_limits(request).calculator, "政策计算器每分钟可使用的次数已达上限")


@router.get("/calculator")
def calculator_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """The empty form: the profile, each fact the catalog declares, each policy's claim facts."""
    form = CalculatorForm(groups=calculator_groups(catalog.facts, catalog))
    return render(request, "calculator.html", form=form, result=None, guide=())


@router.post("/calculator", dependencies=[Depends(_rate_limit)])
def calculate(request: Request, catalog: CatalogDep, posted: FormDep) -> HTMLResponse:
    """The result; for an empty form, the facts to fill in first instead (every policy would
    be 待确认); or the form again with a message beside each bad field."""
    form = read_calculator(posted, clock.today(), catalog.facts, catalog)
    if form.parsed is None:
        return render(request, "calculator.html", status=422, form=form, result=None, guide=())
    parsed = form.parsed
    result = evaluate(parsed.profile, parsed.as_of, catalog, parsed.claims)
    if parsed.empty:
        guide = questions(ask_first(result), form)
        return render(request, "calculator.html", form=form, result=None, guide=guide)
    shown = present_result(result, catalog)
    return render(request, "calculator.html", form=form, result=shown, guide=())
