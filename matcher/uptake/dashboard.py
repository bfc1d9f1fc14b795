"""The dashboard as panels: each a sheet (its table and CSV) and, for three, its chart drawn
from the sheet's own rows, so that a chart never says what its table does not."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from markupsafe import Markup
from sqlmodel import Session

from matcher.policies.model import BenefitKind, Policy
from matcher.uptake import charts, sheets
from matcher.uptake.budgets import budget_use
from matcher.uptake.months import month_figures
from matcher.uptake.processing import processing_times, unit_loads
from matcher.uptake.selection import UptakeFilter
from matcher.uptake.sheets import STAGES, Sheet
from matcher.uptake.stages import Dimension, funnel, stage_counts


@dataclass(frozen=True, slots=True)
class Scope:
    """What every figure is computed for."""

    session: Session
    policies: Sequence[Policy]
    """The catalog's policies (a unit's are found among them)."""
    chosen: UptakeFilter
    by: Dimension
    today: date

    @property
    def titles(self) -> dict[str, str]:
        return {policy.id: policy.title for policy in self.policies}

    @property
    def kinds(self) -> dict[str, BenefitKind]:
        return {policy.id: policy.benefit.kind for policy in self.policies}

    @property
    def shown(self) -> list[Policy]:
        return [policy for policy in self.policies if policy.id in self.chosen.policy_ids]


@dataclass(frozen=True, slots=True)
class Panel:
    sheet: Sheet
    chart: Markup | None


def _stages(scope: Scope) -> Sheet:
    counts = stage_counts(scope.session, scope.chosen, scope.by, scope.kinds)
    return sheets.stage_sheet(scope.by, counts, scope.titles)


def _months(scope: Scope) -> Sheet:
    return sheets.month_sheet(month_figures(scope.session, scope.chosen))


def _funnel(scope: Scope) -> Sheet:
    return sheets.funnel_sheet(funnel(scope.session, scope.chosen))


def _budgets(scope: Scope) -> Sheet:
    uses = budget_use(scope.session, scope.shown, scope.today.year)
    return sheets.budget_sheet(uses, scope.titles)


def _processing(scope: Scope) -> Sheet:
    return sheets.processing_sheet(processing_times(scope.session, scope.chosen), scope.titles)


def _units(scope: Scope) -> Sheet:
    loads = unit_loads(scope.session, scope.chosen, scope.shown, scope.today)
    return sheets.unit_sheet(loads, scope.today)


SHEETS: dict[str, Callable[[Scope], Sheet]] = {
    "stages": _stages,
    "funnel": _funnel,
    "months": _months,
    "budgets": _budgets,
    "processing": _processing,
    "units": _units,
}
"""Every sheet by its name, in the order the page shows them."""


def _numbers(column: int, rows: Sequence[tuple[object, ...]]) -> list[int]:
    return [cast(int, row[column]) for row in rows]


def _chart(sheet: Sheet) -> Markup | None:
    if sheet.name == "stages":
        groups = sheet.rows[:-1]  # not the totals
        series = {stage: _numbers(i + 1, groups) for i, stage in enumerate(STAGES)}
        return charts.bar_chart(sheet.title, [str(row[0]) for row in groups], series)
    if sheet.name == "months":
        series = {"申请": _numbers(2, sheet.rows), "批准": _numbers(3, sheet.rows)}
        return charts.line_chart(sheet.title, [str(row[0]) for row in sheet.rows], series)
    if sheet.name == "funnel":
        return charts.funnel_chart(sheet.title, STAGES, _numbers(1, sheet.rows))
    return None


def panels(scope: Scope) -> list[Panel]:
    """Every sheet with its chart, if it has one and rows to draw."""
    built = [builder(scope) for builder in SHEETS.values()]
    return [Panel(sheet, _chart(sheet) if sheet.rows else None) for sheet in built]
