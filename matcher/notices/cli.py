"""``matcher notify``: tell enterprises what changed in their entitlements and was not told yet.
It ends the nightly job, so it also writes the day's ledger checkpoint. ``matcher worker``:
deliver notices as they come due (rendering those enqueued as facts change), and run the
nightly job (``match-changes``, then ``notify``) on time."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from matcher.console import catalog_or_exit, console, database_or_exit, errors
from matcher.db import session_scope
from matcher.notices.channels import open_senders
from matcher.notices.daemon import Daemon, Nightly
from matcher.notices.outbox import OutboxRepository
from matcher.notices.render import Rendered
from matcher.notices.service import (
    NoticePlan,
    Preview,
    enqueue_rendered,
    notice_plan,
    preview,
    render_pending,
)
from matcher.notices.settings import NoticeSettings, notice_settings
from matcher.notices.sms_templates import SmsTemplateError
from matcher.notices.tables import CHANNEL_LABELS, Channel, NoticeStatus
from matcher.notices.worker import RetryPolicy, deliver
from matcher.payouts.ledger import LedgerInvalid, write_checkpoint
from matcher.policies.versions import publish_catalog
from matcher.population.cli import match_changes, prune_runs


def register(app: typer.Typer) -> None:
    """Add ``notify`` and ``worker`` to ``app``."""
    app.command("notify")(notify)
    app.command("worker")(worker)


def notify(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只生成通知并显示样例，不入队、不发送")
    ] = False,
) -> None:
    """把尚未通知的资格变化生成并发送惠企政策通知（短信、电子邮件、站内消息）。"""
    engine = database_or_exit()
    publish_catalog(
        engine, catalog_or_exit()
    )  # notices quote the version a change was judged under
    config = notice_settings()
    with session_scope(engine) as session:
        plan = notice_plan(session)
    _say(
        f"当前符合条件 {plan.eligible:,} 项；尚未通知的资格变化涉及 {len(plan.runs):,} 次匹配，"
        f"其中可通知 {plan.changed:,} 项。"
    )
    if dry_run:
        _dry_run(engine, plan, config)
        return
    with _templates_or_exit():
        failed = _run(engine, plan, config)
    _checkpoint_ledger(engine)
    if failed:
        errors.print(
            f"{failed:,} 条通知发送失败，不再重试；原因见工作人员页面的发送失败列表。",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)


def worker() -> None:
    """持续发送到期通知，并按时运行每晚的匹配与通知。

    失败的通知按退避时间重试；设置 MATCHER_NIGHTLY_AT（北京时间 HH:MM）时，每天该时刻运行
    match-all 与 notify，多个 worker 只有一个运行。收到 SIGTERM 或 Ctrl-C 后发完手头的一条再退出。
    """
    engine = database_or_exit()
    config = notice_settings()
    nightly = None
    if config.nightly_at is not None:
        lease = timedelta(seconds=config.nightly_lease_seconds)
        nightly = Nightly(config.nightly_at, _nightly, lease)
    with _templates_or_exit():
        Daemon(engine, config, nightly).run()


@contextmanager
def _templates_or_exit() -> Iterator[None]:
    """Exit status 2 when the SMS templates cannot serve the configured gateway (checked as
    the senders open, before anything is sent)."""
    try:
        yield
    except SmsTemplateError as error:
        errors.print(f"短信模板无法使用：{error}", markup=False, highlight=False)
        raise typer.Exit(2) from None


class NightlyFailed(Exception):
    """A step of the nightly job exited with a non-zero status."""


def _nightly(day: date) -> None:
    """The nightly job: ``matcher match-changes`` for ``day``, ``matcher notify``, then
    ``matcher prune-runs``."""
    _step("match-changes", match_changes, as_of=day.isoformat())
    _step("notify", notify, dry_run=False)
    _step("prune-runs", prune_runs)


def _step(name: str, command: Callable[..., None], **options: object) -> None:
    """Run a command of the CLI; a non-zero exit fails the job."""
    try:
        command(**options)
    except typer.Exit as error:
        if error.exit_code:
            raise NightlyFailed(f"{name} exited with status {error.exit_code}") from None


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


def _run(engine: Engine, plan: NoticePlan, config: NoticeSettings) -> int:
    """Enqueue, render and deliver; how many notices failed for good."""
    with session_scope(engine) as session:
        waiting = OutboxRepository(session).unrendered_count()
        added = enqueue_rendered(session, plan, config.page_url)
        left = OutboxRepository(session).unrendered_count()
    written_rendered = added - (left - waiting)
    with open_senders(config) as senders, _progress() as progress:
        with session_scope(engine) as session:
            task = progress.add_task("生成通知", total=left)

            def rendered_batch(count: int) -> None:
                session.commit()
                progress.advance(task, count)

            rendered = render_pending(session, config.page_url, rendered_batch)
            due = OutboxRepository(session).due_count(senders)
        task = progress.add_task("发送通知", total=due)
        retry = RetryPolicy.configured(config)
        delivered = deliver(
            engine, senders, config.lease, retry, lambda _outcome: progress.advance(task)
        )
        missing = [channel for channel in Channel if channel not in senders]
    with session_scope(engine) as session:
        counts = OutboxRepository(session).status_counts()
    matched, changed = plan.eligible, plan.changed
    failed = delivered.failed + rendered.failed
    _say(
        f"通知完成：符合条件 {matched:,} 项，有变化 {changed:,} 项；"
        f"新入队 {added:,} 条，已生成 {written_rendered + rendered.rendered:,} 条，"
        f"已发送 {delivered.sent:,} 条，待重试 {delivered.retry:,} 条，失败 {failed:,} 条。"
    )
    queued = counts.get(NoticeStatus.PENDING, 0) + counts.get(NoticeStatus.SENDING, 0)
    if queued:
        _say(
            f"仍在队列中、尚未发送 {queued:,} 条（待重试、渠道未配置，或由 matcher worker 发送）。"
        )
    if missing:
        labels = "、".join(CHANNEL_LABELS[channel] for channel in missing)
        _say(
            f"未配置的渠道：{labels}；这些通知留在队列中，配置后由 matcher worker 或再次运行发送。"
        )
    return failed
