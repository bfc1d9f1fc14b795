"""``matcher founders rekey``: move every founder's pseudonym to a new ``MATCHER_FOUNDER_KEY``
(see :mod:`matcher.payouts.founder_rekey`). The old key comes from ``MATCHER_OLD_FOUNDER_KEY``
or a prompt that does not echo it, never from the command line, which the process list and
the shell's history would show."""

import os

import typer

from matcher.config import settings
from matcher.console import console, database_or_exit, errors
from matcher.db import session_scope
from matcher.errors import DomainError
from matcher.payouts.founder_rekey import rekey_founders

OLD_KEY_VARIABLE = "MATCHER_OLD_FOUNDER_KEY"

founders_app = typer.Typer(
    help="创业者身份证号码的化名（由 MATCHER_FOUNDER_KEY 生成）。", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the ``founders`` group to ``app``."""
    app.add_typer(founders_app, name="founders")


@founders_app.command("rekey")
def rekey() -> None:
    """用旧密钥解开所有创业者标识，在一个事务中改用 MATCHER_FOUNDER_KEY 重新生成。

    旧密钥取自环境变量 MATCHER_OLD_FOUNDER_KEY，未设置时提示输入（不回显）。请先停止服务，
    完成后以新密钥启动。账本不改写：账本中的旧标识记下与新标识的对应关系，限额照旧核对。
    """
    old_key = os.environ.get(OLD_KEY_VARIABLE) or typer.prompt("旧的创业者密钥", hide_input=True)
    engine = database_or_exit()
    try:
        with session_scope(engine) as session:
            report = rekey_founders(session, old_key, settings().founder_key)
    except DomainError as error:
        errors.print(f"[red]{error.message}[/]")
        raise typer.Exit(1) from None
    console.print(
        f"创业者标识已改用新密钥：登记的创业者 {report.founders} 人，历史记录 {report.history} 条，"
        f"申请 {report.claims} 件；账本中的 {report.ledger} 个旧标识已记下对应的新标识"
        "（账本本身未改动）。",
        soft_wrap=True,
    )
