"""The entitlement list as text for a person at a terminal (``matcher match``), in Simplified
Chinese."""

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from matcher.eligibility.results import (
    OUTCOME_LABELS,
    STATUS_LABELS,
    Entitlement,
    EntitlementList,
    Outcome,
    Status,
)
from matcher.policies.model import BENEFIT_KIND_LABELS, BenefitKind
from matcher.profiles.labels import VALUE_LABELS, show_money, show_parameter, show_value

_STATUS_STYLES = {
    Status.ELIGIBLE: "green",
    Status.NOT_ELIGIBLE: "red",
    Status.UNDETERMINED: "yellow",
}
_OUTCOME_MARKS = {
    Outcome.PASS: "[green]✓[/]",
    Outcome.FAIL: "[red]✗[/]",
    Outcome.UNKNOWN: "[yellow]?[/]",
}


def _derived(result: EntitlementList) -> Panel:
    derived = result.derived
    size = VALUE_LABELS["enterprise.size_class"].get(derived.size_class or "", "未能确定")
    lines = [
        f"企业规模：[bold]{size}[/]　{derived.size_basis}",
        f"小型微利企业：[bold]{show_value('', derived.small_low_profit)}[/]　"
        f"{derived.small_low_profit_basis}",
    ]
    return Panel("\n".join(lines), title="推导信息", expand=True)


def _headline(entitlement: Entitlement) -> Text:
    style = _STATUS_STYLES[entitlement.status]
    text = Text.from_markup(
        f"[bold {style}]【{STATUS_LABELS[entitlement.status]}】[/] [bold]{entitlement.title}[/]"
    )
    if entitlement.amount is not None:
        text.append(f"　{show_money(entitlement.amount)}", style="bold")
    return text


def _entitlement(entitlement: Entitlement) -> Panel:
    kind = BENEFIT_KIND_LABELS[BenefitKind(entitlement.benefit_kind)]
    parts: list[Text | Table | str] = [
        Text(f"{kind}：{entitlement.benefit}"),
    ]
    if entitlement.working_days is not None:
        parts.append(Text(f"办理时限：{entitlement.working_days} 个工作日"))
    if entitlement.eligible_from is not None:
        parts.append(
            Text(f"可于 {entitlement.eligible_from.isoformat()} 起申请", style="bold cyan")
        )
    if entitlement.missing_facts:
        needed = "、".join(
            m.label + (f"（{m.suggestion}）" if m.suggestion else "")
            for m in entitlement.missing_facts
        )
        parts.append(Text(f"尚需确认：{needed}", style="yellow"))
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    table.add_column("", width=2)
    table.add_column("条件")
    table.add_column("依据的数据")
    table.add_column("原文")
    for criterion in entitlement.criteria:
        seen = "；".join(
            f"{path.split('.')[-1]}={show_value(path, value)}"
            for path, value in criterion.values.items()
        )
        label = criterion.label
        if criterion.satisfied_on is not None:
            label += f"（{criterion.satisfied_on.isoformat()} 起满足）"
        table.add_row(
            _OUTCOME_MARKS[criterion.result],
            f"{label}\n[dim]{OUTCOME_LABELS[criterion.result]}[/]",
            seen,
            f"[dim]{criterion.clause}[/]",
        )
    parts.append(table)
    for reading in entitlement.parameters:
        if reading.value is None:
            parts.append(Text(f"{reading.label}：无适用值（不在任何规定期间内）", style="yellow"))
        else:
            parts.append(
                Text(
                    f"{reading.label}：{show_parameter(reading.value, reading.unit)}"
                    f"（{reading.start} 起，{reading.source}）",
                    style="dim",
                )
            )
    if entitlement.excludes:
        better = "；按现有信息本项更优惠" if entitlement.preferred else ""
        others = "、".join(entitlement.excludes)
        parts.append(Text(f"与 {others} 不能同时享受，须择一{better}", style="magenta"))
    article = f" 第{entitlement.source.article}条" if entitlement.source.article else ""
    parts.append(
        Text(
            f"来源：{entitlement.source.document}{article}　"
            f"牵头单位：{entitlement.units[0]}　受理：{entitlement.apply.where.name}",
            style="dim",
        )
    )
    return Panel(Group(*parts), title=_headline(entitlement), title_align="left")


def render(result: EntitlementList, console: Console) -> None:
    """Print the entitlement list for a person."""
    console.print(
        f"[bold]{result.enterprise.name or '（未填写企业名称）'}[/]"
        f"（{result.enterprise.uscc or '未填写统一社会信用代码'}）　评估日期 {result.as_of}"
    )
    console.print(_derived(result))
    counts = {s: sum(e.status is s for e in result.entitlements) for s in Status}
    console.print(
        f"共 {len(result.entitlements)} 项政策：符合 {counts[Status.ELIGIBLE]} 项，"
        f"待确认 {counts[Status.UNDETERMINED]} 项，不符合 {counts[Status.NOT_ELIGIBLE]} 项"
    )
    order = {Status.ELIGIBLE: 0, Status.UNDETERMINED: 1, Status.NOT_ELIGIBLE: 2}
    for entitlement in sorted(result.entitlements, key=lambda e: order[e.status]):
        console.print(_entitlement(entitlement))
    for ended in result.ended:
        successor = f"，由 {ended.replaced_by} 替代" if ended.replaced_by else ""
        console.print(
            f"[dim]【已结束】{ended.title}：{ended.ended_on} 结束{successor}，不再受理[/]"
        )
