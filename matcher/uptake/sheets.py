"""Every figure of the dashboard as a sheet: the table beside its chart, and its CSV file."""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from matcher.policies.model import BenefitKind
from matcher.profiles.labels import VALUE_LABELS
from matcher.spreadsheet import safe_cell
from matcher.standards.sme_size import SIZE_CLASS_LABELS
from matcher.uptake.budgets import BudgetUse
from matcher.uptake.months import MonthFigures
from matcher.uptake.processing import ProcessingFigures, UnitLoad
from matcher.uptake.stages import Dimension, Funnel, StageCounts
from matcher.uptake.take_up import Unclaimed

Cell = str | int | Decimal | date | None
UNKNOWN = "未知"
STAGES = ("符合条件", "已通知", "已申请", "已批准")
PAID_NOTE = "已拨付：尚无拨付记录（兑现账本尚未记录拨付环节）。"
CASH_HEADING = "可享资金补贴（元）"
TAX_RELIEF_HEADING = "预计减免税额（元）"
AMOUNTS_NOTE = (
    "可享资金补贴为资金补贴类政策按当前匹配结果测算的金额；预计减免税额为税收优惠类政策的"
    "测算减免额，不由财政资金拨付，二者不相加。"
)
CLUSTER_LABELS = VALUE_LABELS["enterprise.industry_cluster"]
GROUP_HEADINGS = {
    Dimension.POLICY: "政策",
    Dimension.CLUSTER: "重点产业集群",
    Dimension.SIZE_CLASS: "企业规模",
}


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    """Its CSV file's name, without ``.csv``."""
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    note: str | None = None


def group_label(by: Dimension, key: str | None, titles: Mapping[str, str]) -> str:
    """How a person reads a group's key."""
    if key is None:
        return UNKNOWN
    if by is Dimension.POLICY:
        return titles.get(key, key)
    labels = CLUSTER_LABELS if by is Dimension.CLUSTER else SIZE_CLASS_LABELS
    return labels.get(key, key)


def stage_sheet(by: Dimension, counts: Sequence[StageCounts], titles: Mapping[str, str]) -> Sheet:
    columns = (GROUP_HEADINGS[by], *STAGES, CASH_HEADING, TAX_RELIEF_HEADING, "批准金额（元）")
    rows: list[tuple[Cell, ...]] = [
        (
            group_label(by, row.key, titles),
            row.eligible,
            row.notified,
            row.claimed,
            row.approved,
            row.cash_amount,
            row.tax_relief_amount,
            row.approved_amount,
        )
        for row in counts
    ]
    rows.append(
        (
            "合计",
            sum(row.eligible for row in counts),
            sum(row.notified for row in counts),
            sum(row.claimed for row in counts),
            sum(row.approved for row in counts),
            sum((row.cash_amount for row in counts), Decimal("0.00")),
            sum((row.tax_relief_amount for row in counts), Decimal("0.00")),
            sum((row.approved_amount for row in counts), Decimal("0.00")),
        )
    )
    title = f"按{GROUP_HEADINGS[by]}统计"
    note = "计数为企业与政策的组合（户次）；同一政策下即为企业数。" + AMOUNTS_NOTE + PAID_NOTE
    return Sheet("stages", title, columns, rows, note)


def month_sheet(months: Sequence[MonthFigures]) -> Sheet:
    columns = ("月份", "已通知（户次）", "申请（件）", "批准（件）", "批准金额（元）")
    rows: list[tuple[Cell, ...]] = [
        (m.month, m.notified, m.claimed, m.approved, m.approved_amount) for m in months
    ]
    note = "符合条件按最近一次匹配计，不分月份，故不列入。" + PAID_NOTE
    return Sheet("months", "每月通知、申请与批准", columns, rows, note)


def funnel_sheet(funnel: Funnel) -> Sheet:
    counts = (funnel.eligible, funnel.notified, funnel.claimed, funnel.approved)
    rows: list[tuple[Cell, ...]] = [
        (stage, count, _share(count, funnel.eligible))
        for stage, count in zip(STAGES, counts, strict=True)
    ]
    note = "每一环节只计上一环节中的组合：已通知的符合条件者，其中已申请者，再其中已批准者。"
    return Sheet("funnel", "兑现漏斗", ("环节", "户次", "占符合条件"), rows, note)


def _share(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{part * 100 / whole:.1f}%"


def budget_sheet(uses: Sequence[BudgetUse], titles: Mapping[str, str]) -> Sheet:
    columns = ("政策", "预算", "预算金额（元）", "已批准使用（元）", "使用率")
    rows: list[tuple[Cell, ...]] = [
        (titles.get(u.policy_id, u.policy_id), u.label, u.budget, u.used, f"{u.share}%")
        for u in uses
    ]
    note = None if rows else "所选政策均未设定资金预算。"
    return Sheet("budgets", "预算使用", columns, rows, note)


def processing_sheet(times: Sequence[ProcessingFigures], titles: Mapping[str, str]) -> Sheet:
    columns = (
        "政策",
        "已办结（件）",
        "平均用时（工作日）",
        "有承诺时限（件）",
        "平均承诺时限（工作日）",
        "按时办结（件）",
    )
    rows: list[tuple[Cell, ...]] = [
        (
            titles.get(t.policy_id, t.policy_id),
            t.decided,
            t.average_days,
            t.limited,
            "—" if t.average_limit is None else t.average_limit,
            t.on_time,
        )
        for t in times
    ]
    note = (
        "从受理（或补正后重新提交）之日到批准或驳回之日，按工作日计"
        "（法定节假日与调休按国务院通知）。"
    )
    return Sheet("processing", "办理用时与承诺时限", columns, rows, note)


def unit_sheet(loads: Sequence[UnitLoad], today: date) -> Sheet:
    rows: list[tuple[Cell, ...]] = [(u.unit, u.open, u.overdue) for u in loads]
    note = f"截至 {today}；按政策的牵头单位统计。"
    return Sheet("units", "各单位在办与超期", ("牵头单位", "在办（件）", "超期（件）"), rows, note)


def unclaimed_sheet(
    listed: Sequence[Unclaimed],
    titles: Mapping[str, str],
    kinds: Mapping[str, BenefitKind],
    today: date,
    days: int,
) -> Sheet:
    """The list, each pair's amount under the heading of its policy's benefit kind (``kinds``,
    by policy id); a kind that is neither cash nor tax relief shows none."""
    columns = (
        "企业名称",
        "统一社会信用代码",
        "政策",
        "首次通知日期",
        "已过天数",
        CASH_HEADING,
        TAX_RELIEF_HEADING,
    )
    rows: list[tuple[Cell, ...]] = [
        (
            u.name,
            u.uscc,
            titles.get(u.policy_id, u.policy_id),
            u.notified_on,
            u.waiting_days(today),
            *_by_kind(u.amount, kinds.get(u.policy_id)),
        )
        for u in listed
    ]
    return Sheet("non-take-up", f"通知后 {days} 天未申请", columns, rows, AMOUNTS_NOTE)


def _by_kind(amount: Decimal | None, kind: BenefitKind | None) -> tuple[Cell, Cell]:
    """``amount`` in the cash column or the tax relief column, as ``kind`` says."""
    return (
        amount if kind is BenefitKind.CASH_SUBSIDY else None,
        amount if kind is BenefitKind.TAX_PREFERENCE else None,
    )


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese right); text
    that could start a formula quoted (:func:`matcher.spreadsheet.safe_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.columns)
    writer.writerows(
        [["" if cell is None else safe_cell(cell) for cell in row] for row in sheet.rows]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
