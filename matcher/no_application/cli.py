"""``matcher no-application``: propose a 免申即享 payable list, publish it, approve it."""

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal, account_actor, find_account
from matcher.auth.tables import Role
from matcher.console import console, database_or_exit, day_or_exit, errors
from matcher.db import session_scope
from matcher.errors import DomainError
from matcher.no_application.approval import approve
from matcher.no_application.lists import propose, publish
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import LIST_STATUS_LABELS

app = typer.Typer(help="免申即享：拟兑现名单、公示与批量批准。", no_args_is_help=True)
By = Annotated[str, typer.Option("--by", help="经办工作人员的登录名（记入账本）")]
ListId = Annotated[int, typer.Argument(help="名单编号")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="no-application")


def _staff(session: Session, username: str) -> Principal:
    account = find_account(session, username)
    if account is None or account.disabled_at is not None or account.role is Role.ENTERPRISE:
        errors.print(f"没有可用的工作人员账号：{username}", style="red", markup=False)
        raise typer.Exit(2)
    return Principal(Role(account.role), None, account.display_name, account_actor(account.id or 0))


def _refused(error: DomainError) -> typer.Exit:
    errors.print(error.message, style="red", markup=False, highlight=False)
    return typer.Exit(1)


@app.command("propose")
def propose_list(
    policy: Annotated[str, typer.Argument(help="免申即享政策的 id")],
    by: By,
    as_of: Annotated[str | None, typer.Option("--as-of", help="名单日期，默认今天")] = None,
) -> None:
    """按登记的信息生成拟兑现名单：每户金额与各项条件的依据，以及不予免申即享的原因。"""
    day = day_or_exit(as_of)
    try:
        with session_scope(database_or_exit()) as session:
            payable = propose(session, policy, day, _staff(session, by))
            _show(session, payable.id or 0)
    except DomainError as error:
        raise _refused(error) from None


@app.command("publish")
def publish_list(list_id: ListId, by: By) -> None:
    """公示名单，自今天起计公示期。"""
    try:
        with session_scope(database_or_exit()) as session:
            payable = publish(session, list_id, _staff(session, by), clock.today())
            console.print(
                f"名单 #{list_id} 公示中：{payable.notice_from} 至 {payable.notice_until}"
                f"（{payable.notice_basis}）",
                highlight=False,
            )
    except DomainError as error:
        raise _refused(error) from None


@app.command("approve")
def approve_list(list_id: ListId, by: By) -> None:
    """公示期满后批量批准：已确认收款账户的企业逐户记入账本。"""
    try:
        with session_scope(database_or_exit()) as session:
            result = approve(session, list_id, _staff(session, by), clock.today())
            for entry in result.excluded:
                console.print(f"未批准 {entry.uscc}：{entry.excluded_reason}", highlight=False)
            console.print(
                f"名单 #{list_id}：批准 {len(result.approved)} 户，"
                f"待企业确认收款账户 {len(result.awaiting_payee)} 户，"
                f"转普通申请 {len(result.excluded)} 户",
                highlight=False,
            )
    except DomainError as error:
        raise _refused(error) from None


@app.command("show")
def show_list(list_id: ListId) -> None:
    """显示名单。"""
    with session_scope(database_or_exit()) as session:
        _show(session, list_id)


def _show(session: Session, list_id: int) -> None:
    repository = PayableRepository(session)
    payable = repository.payable_list(list_id)
    if payable is None:
        errors.print(f"没有名单 #{list_id}", style="red")
        raise typer.Exit(1)
    table = Table(
        title=f"名单 #{list_id} {payable.policy_id}（{LIST_STATUS_LABELS[payable.status]}）"
    )
    for column in ("统一社会信用代码", "企业名称", "金额（元）", "兑现申请", "说明"):
        table.add_column(column)
    for entry in repository.entries(list_id):
        claim = "" if entry.claim_id is None else f"#{entry.claim_id}"
        note = entry.excluded_reason or ("" if entry.payee_sealed else "待确认收款账户")
        table.add_row(entry.uscc, entry.name, str(entry.amount or ""), claim, note)
    console.print(table)
