"""``matcher match-all``: judge every enterprise on record against the policies in force."""

import os
import time
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from matcher.clock import now
from matcher.config import settings
from matcher.console import catalog_or_exit, console, database_or_exit, day_or_exit, errors
from matcher.db import session_scope
from matcher.policies.compile import CompiledPolicy
from matcher.policies.versions import publish
from matcher.population.incremental import advance
from matcher.population.retention import prune
from matcher.population.service import (
    PolicyTally,
    UnknownPolicy,
    match_population,
    policies_not_yet_matched,
    policies_to_match,
)
from matcher.population.state import StateRepository
from matcher.population.tables import MatchRun

AsOf = Annotated[str | None, typer.Option("--as-of", help="匹配日期 YYYY-MM-DD，默认今天")]


def register(app: typer.Typer, policies_app: typer.Typer) -> None:
    """Add ``match-all`` and ``match-changes`` to ``app`` and ``publish`` to the ``policies``
    group."""
    app.command("match-all")(match_all)
    app.command("match-changes")(match_changes)
    app.command("prune-runs")(prune_runs)
    policies_app.command("publish")(publish_policies)


def match_all(
    as_of: AsOf = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help="只匹配这一项政策（政策 id），如新发布的政策")
    ] = None,
) -> None:
    """在数据库内匹配全部企业与在施政策，写入本次匹配的资格快照，并据此校正当前资格。"""
    day = day_or_exit(as_of)
    try:
        policies = policies_to_match(catalog_or_exit(), day, policy)
    except UnknownPolicy as error:
        reason = f"在 {day} 不在有效期内" if error.in_catalog else "不在政策目录中"
        errors.print(f"[red]政策 {error.policy_id} {reason}[/]")
        raise typer.Exit(2) from None
    engine = database_or_exit()
    _match(engine, policies, day)


def publish_policies(as_of: AsOf = None) -> None:
    """发布政策目录中的新政策或新版本，并只对这些政策匹配全部企业。"""
    day = day_or_exit(as_of)
    catalog = catalog_or_exit()
    engine = database_or_exit()
    with session_scope(engine) as session:
        published = publish(session, catalog, day)
        unmatched = policies_not_yet_matched(session, catalog.in_force(day))
    for compiled in published:
        console.print(f"已发布：{compiled.policy.title}（版本 {compiled.version[:12]}）")
    if not unmatched:
        console.print("没有需要匹配的新政策或新版本。")
        return
    _match(engine, unmatched, day)


def match_changes(as_of: AsOf = None) -> None:
    """只重新判定可能变化的部分：新发布或新版本的政策、日期届满的企业、此前未及判定的资料变更。"""
    day = day_or_exit(as_of)
    catalog = catalog_or_exit()
    started = time.perf_counter()
    with session_scope(database_or_exit()) as session:
        run = advance(session, catalog, day)
    console.print(
        f"增量匹配完成（匹配日期 {day}）：判定后资格有变化 {run.changed:,} 项，"
        f"用时 {time.perf_counter() - started:.1f} 秒。"
    )


def prune_runs() -> None:
    """删除超过保留期（MATCHER_RUN_RETENTION_DAYS）的匹配快照与已通知的资格变化记录。"""
    days = settings().run_retention_days
    with session_scope(database_or_exit()) as session:
        pruned = prune(session, now() - timedelta(days=days))
    console.print(
        f"已删除 {days} 天前的全量匹配 {pruned.match_runs:,} 次、"
        f"已通知的增量匹配 {pruned.state_runs:,} 次（最近一次全量匹配始终保留）。"
    )


def _match(engine: Engine, policies: Sequence[CompiledPolicy], day: date) -> None:
    """Match ``policies`` with a progress bar, committing after each, then the summary.

    On PostgreSQL the policies are shared among as many connections as there are cores;
    SQLite has a single writer.
    """
    connections = 1 if engine.dialect.name == "sqlite" else max(1, os.cpu_count() or 1)
    started = time.perf_counter()
    tallies: dict[str, PolicyTally] = {}
    with _progress() as progress:
        task = progress.add_task("", total=len(policies))

        def step(tally: PolicyTally) -> None:
            tallies[tally.policy_id] = tally
            progress.update(task, advance=1, description=tally.title)

        run = match_population(engine, policies, day, connections, step)
    with session_scope(engine) as session:
        repaired = StateRepository(session).last_sweep()  # the run's reconciliation
    assert repaired is not None
    ordered = [tallies[p.id] for p in policies]
    _summary(run, ordered, time.perf_counter() - started)
    console.print(f"当前资格已按本次匹配校正：有变化 {repaired.changed:,} 项。")


def _progress() -> Progress:
    return Progress(
        TextColumn("正在匹配，已完成 [bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _summary(run: MatchRun, tallies: Sequence[PolicyTally], seconds: float) -> None:
    table = Table(title=f"第 {run.id} 次匹配　匹配日期 {run.as_of}　企业 {run.enterprises:,} 家")
    table.add_column("政策", overflow="fold", min_width=12)
    for header in ("符合条件", "待确认", "不符合", "到期可申请", "金额（万元）"):
        table.add_column(header, justify="right", no_wrap=True)
    for tally in tallies:
        table.add_row(
            tally.title,
            f"{tally.eligible:,}",
            f"{tally.undetermined:,}",
            f"{tally.not_eligible:,}",
            f"{tally.waiting:,}",
            f"{tally.eligible_amount / 10000:,.2f}",
        )
    console.print(table)
    console.print("金额为符合条件企业的应享金额合计。")
    console.print(
        f"匹配完成：政策 {len(tallies)} 项，用时 {seconds:.1f} 秒，资格快照已写入数据库。"
    )
