"""``matcher sandbox run``: a draft policy judged over the whole population, nothing written."""

import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from matcher.console import (
    catalog_or_exit,
    console,
    database_or_exit,
    day_or_exit,
    errors,
    print_issues,
)
from matcher.policies.issues import CatalogError
from matcher.profiles.labels import show_value
from matcher.sandbox.report import (
    VERDICT_LABELS,
    Change,
    Figures,
    Group,
    SandboxReport,
    Verdict,
)
from matcher.sandbox.service import TOP, run_sandbox

sandbox_app = typer.Typer(help="政策沙盘：发布前在全部企业上试算草案。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` group to ``app``."""
    app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("run")
def run(
    draft: Annotated[
        Path, typer.Argument(help="政策草案 YAML 文件（新政策，或目录中政策的新版本）")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="评估日期 YYYY-MM-DD，默认今天")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    top: Annotated[
        int, typer.Option("--top", min=1, max=1000, help="列出受益、受损最多的企业数")
    ] = TOP,
) -> None:
    """按发布时的检查编译草案，在数据库内对全部企业试算：资格、金额与预算、分产业集群和规模，
    以及与现行版本相比谁受益、谁受损。不写入资格快照，不发送通知。"""
    day = day_or_exit(as_of)
    try:
        text = draft.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        errors.print(f"无法读取 {draft}：{error}", style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    catalog = catalog_or_exit()
    engine = database_or_exit()
    try:
        report = run_sandbox(engine, catalog, text, day, top)
    except CatalogError as error:
        print_issues(error)
        errors.print(f"[red]草案未通过检查：{len(error.issues)} 处错误，与发布时的检查相同[/]")
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print(report)


def _say(text: str) -> None:
    """A line of prose, left for the terminal to wrap (a table is laid out to its width)."""
    console.print(text, soft_wrap=True)


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _signed(amount: Decimal) -> str:
    return f"{amount:+,.2f}" if amount else _money(amount)


def _print(report: SandboxReport) -> None:
    _say(
        f"[bold]政策沙盘：{report.title}[/]（{report.policy_id}）　评估日期 {report.as_of}"
        f"　企业 {report.enterprises:,} 家"
    )
    if not report.in_force:
        _say(f"[yellow]注意：草案的有效期不含 {report.as_of}，发布后该日不会匹配。[/]")
    comparison = report.comparison
    if comparison is None:
        _say("目录中没有这项政策：按新政策试算。")
    elif comparison.current_version == report.version:
        _say("草案与现行版本内容相同。")
    console.print(_overview(report))
    _print_budget(report)
    for title, path, groups in (
        ("按重点产业集群", "enterprise.industry_cluster", report.by_cluster),
        ("按企业规模", "enterprise.size_class", report.by_size),
    ):
        console.print(_groups(title, path, groups))
    if comparison is not None:
        _say(
            f"与现行版本相比：受益 {comparison.gaining:,} 家（{_signed(comparison.gained)} 元），"
            f"受损 {comparison.losing:,} 家（{_signed(comparison.lost)} 元），"
            f"不变 {comparison.unchanged:,} 家；涉及金额合计变化 {_signed(comparison.delta)} 元。"
        )
        for title, changes, count in (
            ("受益企业", comparison.gainers, comparison.gaining),
            ("受损企业", comparison.losers, comparison.losing),
        ):
            if changes:
                console.print(_changes(title, changes, count))
    _say(
        f"沙盘只读：未写入资格快照，未发送通知。用时 {report.seconds:.2f} 秒。"
        "涉及金额为符合条件或待确认企业的应享金额；待确认金额为其全部确认符合时另需的金额。"
    )


def _overview(report: SandboxReport) -> Table:
    table = Table(title="试算结果")
    table.add_column("项目")
    columns: list[Figures] = [report.figures]
    table.add_column("草案", justify="right", no_wrap=True)
    if report.comparison is not None:
        columns.append(report.comparison.current)
        table.add_column("现行版本", justify="right", no_wrap=True)
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        ("符合条件（家）", lambda f: f"{f.eligible:,}"),
        ("待确认（家）", lambda f: f"{f.undetermined:,}"),
        ("到期可申请（家）", lambda f: f"{f.waiting:,}"),
        ("不符合（家）", lambda f: f"{f.not_eligible:,}"),
        ("符合条件金额（元）", lambda f: _money(f.eligible_amount)),
        ("金额无法计算（家）", lambda f: f"{f.amount_unknown:,}"),
        ("待确认金额（元）", lambda f: _money(f.undetermined_amount)),
    ]
    for label, shown in rows:
        table.add_row(label, *(shown(f) for f in columns))
    return table


def _print_budget(report: SandboxReport) -> None:
    budget = report.budget
    if budget is None:
        _say("该政策未设资金预算。")
        return
    which = f"{budget.year} 年度预算" if budget.year is not None else "资金总额"
    style = "red" if budget.used > budget.budget else "green"
    _say(
        f"{which} {_money(budget.budget)} 元，符合条件金额 {_money(budget.used)} 元，"
        f"占 [{style}]{budget.share:.1%}[/]。"
    )


def _groups(title: str, path: str, groups: tuple[Group, ...]) -> Table:
    table = Table(title=title)
    table.add_column("分组")
    for header in ("符合条件", "待确认", "到期可申请", "不符合", "符合条件金额（元）"):
        table.add_column(header, justify="right", no_wrap=True)
    for group in groups:
        f = group.figures
        table.add_row(
            show_value(path, group.value),
            f"{f.eligible:,}",
            f"{f.undetermined:,}",
            f"{f.waiting:,}",
            f"{f.not_eligible:,}",
            _money(f.eligible_amount),
        )
    return table


def _changes(title: str, changes: tuple[Change, ...], count: int) -> Table:
    shown = f"，显示变化最大的 {len(changes)} 家" if count > len(changes) else ""
    table = Table(title=f"{title}（共 {count:,} 家{shown}）")
    table.add_column("企业", overflow="fold", min_width=10)
    table.add_column("统一社会信用代码", no_wrap=True)
    table.add_column("现行")
    table.add_column("草案")
    table.add_column("变化（元）", justify="right", no_wrap=True)
    for change in changes:
        table.add_row(
            change.name,
            change.uscc,
            _verdict(change.old_verdict, change.old_amount),
            _verdict(change.new_verdict, change.new_amount),
            _signed(change.delta),
        )
    return table


def _verdict(verdict: Verdict, amount: Decimal | None) -> str:
    label = VERDICT_LABELS[verdict]
    return label if amount is None else f"{label}\n{_money(amount)}"
