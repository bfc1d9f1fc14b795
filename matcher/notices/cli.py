"""``matcher notify``: tell enterprises what changed since the previous match run. It ends the
nightly job, so it also writes the day's ledger checkpoint."""

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from matcher.console import catalog_or_exit, console, database_or_exit, day_or_exit, errors
from matcher.db import session_scope
from matcher.notices.channels import open_senders
from matcher.notices.outbox import OutboxRepository
from matcher.notices.render import Rendered
from matcher.notices.service import (
    NoticePlan,
    Preview,
    enqueue,
    notice_plan,
    preview,
    render_pending,
)
from matcher.notices.settings import NoticeSettings, notice_settings
from matcher.notices.tables import CHANNEL_LABELS, Channel, NoticeStatus
from matcher.notices.worker import RetryPolicy, deliver
from matcher.payouts.ledger import LedgerInvalid, write_checkpoint
from matcher.policies.versions import publish_catalog


def register(app: typer.Typer) -> None:
    """Add ``notify`` to ``app``."""
    app.command("notify")(notify)


def notify(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只生成通知并显示样例，不入队、不发送")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="以该日期（YYYY-MM-DD）及之前最近一次完成的匹配为准，默认今天"
        ),
    ] = None,
) -> None:
    """对比最近两次匹配，生成并发送惠企政策通知（短信、电子邮件、站内消息）。"""
    day = day_or_exit(as_of)
    engine = database_or_exit()
    publish_catalog(engine, catalog_or_exit())  # notices quote the version a run matched under
    config = notice_settings()
    with session_scope(engine) as session:
        plan = notice_plan(session, day)
    if plan is None:
        _say(f"{day} 及之前没有已完成的匹配，没有可对比的变化（请先运行 matcher match-all）。")
    else:
        _say(
            f"第 {plan.comparison.run.id} 次匹配（匹配日期 {plan.comparison.run.as_of}）："
            f"符合条件 {plan.comparison.eligible:,} 项，与此前匹配相比有变化 {plan.changed:,} 项。"
        )
    if dry_run:
        if plan is not None:
            _dry_run(engine, plan, config)
        return
    _run(engine, plan, config)
    _checkpoint_ledger(engine)


def _say(text: str) -> None:
    """Text for people, as it is: long lines are left to the terminal to wrap, so that a
    link stays whole."""
    console.print(text, soft_wrap=True, markup=False, highlight=False)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _checkpoint_ledger(engine: Engine) -> None:
    """The nightly job ends by signing the ledger head, as ``matcher ledger checkpoint`` does,
    so that the day's report carries it."""
    try:
        with session_scope(engine) as session:
            checkpoint = write_checkpoint(session)
    except LedgerInvalid as error:
        errors.print(error.message, markup=False, highlight=False)
        errors.print("运行 matcher ledger verify 查看全部问题。")
        raise typer.Exit(1) from None
    _say(f"账本检查点：{checkpoint}")


def _dry_run(engine: Engine, plan: NoticePlan, config: NoticeSettings) -> None:
    with session_scope(engine) as session, _progress() as progress:
        task = progress.add_task("生成通知（试运行）", total=plan.notices)
        shown = preview(session, plan, config.page_url, lambda: progress.advance(task))
    _samples(shown)
    _say(
        f"试运行完成：将新入队通知 {plan.notices:,} 条，已生成 {shown.rendered:,} 条，"
        f"无法生成 {shown.failed:,} 条；未入队，未发送。"
    )


def _samples(shown: Preview) -> None:
    for channel, (facts, rendered) in shown.samples.items():
        console.rule(f"样例：{CHANNEL_LABELS[channel]}（{facts.enterprise_name}）")
        _print_rendered(rendered)


def _print_rendered(rendered: Rendered) -> None:
    if rendered.subject is not None:
        _say(f"标题：{rendered.subject}")
    _say(rendered.text)
    if rendered.segments is not None:
        _say(f"（{len(rendered.text)} 字，{rendered.segments} 条短信）")


def _run(engine: Engine, plan: NoticePlan | None, config: NoticeSettings) -> None:
    added = 0
    if plan is not None:
        with session_scope(engine) as session:
            added = enqueue(session, plan)
    with open_senders(config) as senders, _progress() as progress:
        with session_scope(engine) as session:
            task = progress.add_task("生成通知", total=OutboxRepository(session).unrendered_count())

            def rendered_batch(count: int) -> None:
                session.commit()
                progress.advance(task, count)

            rendered = render_pending(session, config.page_url, rendered_batch)
            due = OutboxRepository(session).due_count(senders)
        task = progress.add_task("发送通知", total=due)
        retry = RetryPolicy(max_attempts=config.notice_max_attempts)
        delivered = deliver(
            engine, senders, config.lease, retry, lambda _outcome: progress.advance(task)
        )
        missing = [channel for channel in Channel if channel not in senders]
    with session_scope(engine) as session:
        counts = OutboxRepository(session).status_counts()
    matched = 0 if plan is None else plan.comparison.eligible
    changed = 0 if plan is None else plan.changed
    _say(
        f"通知完成：符合条件 {matched:,} 项，有变化 {changed:,} 项；"
        f"新入队 {added:,} 条，已生成 {rendered.rendered:,} 条，"
        f"已发送 {delivered.sent:,} 条，失败 {delivered.failed + rendered.failed:,} 条。"
    )
    waiting = counts.get(NoticeStatus.PENDING, 0) + counts.get(NoticeStatus.SENDING, 0)
    if waiting:
        _say(f"仍在队列中 {waiting:,} 条（待重试或等待发送）。")
    if missing:
        labels = "、".join(CHANNEL_LABELS[channel] for channel in missing)
        _say(f"未配置的渠道：{labels}；这些通知留在队列中，配置后再次运行即发送。")
