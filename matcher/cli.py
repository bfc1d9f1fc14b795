"""The command line: the catalog, matching, the service, credentials."""

import ipaddress
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from matcher import clock, serving
from matcher.auth.service import (
    create_account,
    disable_account,
    enable_account,
    issue_account_token,
    issue_token,
    list_accounts,
    reset_password,
    revoke_token,
)
from matcher.auth.tables import ROLE_LABELS, Account, Role
from matcher.config import DEMO_ENTERPRISE, DEVELOPMENT_SECRET, settings
from matcher.console import (
    catalog_or_exit,
    console,
    database_or_exit,
    day_or_exit,
    errors,
    print_issues,
)
from matcher.db import default_engine, session_scope
from matcher.demo import DEMO_ACCOUNTS, load_demo, match_demo
from matcher.eligibility.cases import load_cases, run_case
from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.serialize import to_json
from matcher.entitlement_report import render
from matcher.founders_cli import register as register_founders
from matcher.migrate import upgrade
from matcher.no_application.cli import register as register_no_application
from matcher.notices.cli import register as register_notify
from matcher.observability.logs import configure_logging, logging_config
from matcher.observability.metrics import multiprocess_directory
from matcher.observability.request_id import job
from matcher.payouts.due_date_estimates import recompute_due_dates
from matcher.payouts.holidays import load_holidays
from matcher.payouts.ledger import LedgerInvalid, LedgerReport, verify_ledger, write_checkpoint
from matcher.policies.issues import CatalogError
from matcher.population.cli import register as register_population
from matcher.profiles.errors import ProfileError
from matcher.profiles.parse import parse_profile_json
from matcher.sandbox.cli import register as register_sandbox
from matcher.tagging import load_model
from matcher.tagging.cli import register as register_tagging

app = typer.Typer(help="惠企政策精准推送：按企业画像匹配惠企政策。", no_args_is_help=True)
policies_app = typer.Typer(help="政策目录。", no_args_is_help=True)
tokens_app = typer.Typer(help="API 访问令牌。", no_args_is_help=True)
accounts_app = typer.Typer(help="网页登录账号。", no_args_is_help=True)
db_app = typer.Typer(help="数据库。", no_args_is_help=True)
ledger_app = typer.Typer(help="兑现决定记录。", no_args_is_help=True)
claims_app = typer.Typer(help="兑现申请。", no_args_is_help=True)
app.add_typer(policies_app, name="policies")
app.add_typer(tokens_app, name="tokens")
app.add_typer(accounts_app, name="accounts")
app.add_typer(db_app, name="db")
app.add_typer(ledger_app, name="ledger")
app.add_typer(claims_app, name="claims")
register_population(app, policies_app)
register_no_application(app)
register_notify(app)
register_tagging(app)
register_founders(app)
register_sandbox(app)


@app.callback()
def _observed(ctx: typer.Context) -> None:
    # Every command logs as configured, under a job id of its own; the server's lines carry
    # their requests' ids instead.
    configure_logging(settings())
    if ctx.invoked_subcommand not in (None, "serve"):
        ctx.with_resource(job(ctx.invoked_subcommand))


PoliciesDir = Annotated[
    Path | None, typer.Option("--policies", help="政策目录（默认为配置的 policies/）")
]


@policies_app.command("check")
def check(root: PoliciesDir = None) -> None:
    """加载并检查政策目录，运行每项政策的测试用例。"""
    catalog = catalog_or_exit(root)
    try:
        cases = load_cases(catalog)
    except CatalogError as error:
        print_issues(error)
        raise typer.Exit(1) from None
    outcomes = [run_case(case) for case in cases]
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        for problem in outcome.problems:
            errors.print(
                f"{outcome.file}:{outcome.line}: [{outcome.policy}] {outcome.name}: {problem}",
                markup=False,
                highlight=False,
            )
    console.print(
        f"政策 {len(catalog)} 项，测试用例 {len(outcomes)} 个："
        f"通过 {len(outcomes) - len(failed)}，失败 {len(failed)}"
    )
    if failed:
        raise typer.Exit(1)


@app.command()
def match(
    profile: Annotated[Path, typer.Argument(help="企业画像 JSON 文件（- 表示标准输入）")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="评估日期 YYYY-MM-DD，默认今天")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    root: PoliciesDir = None,
) -> None:
    """列出一家企业在评估日期可享受的政策及理由。"""
    day = day_or_exit(as_of)
    catalog = catalog_or_exit(root)
    text = sys.stdin.read() if str(profile) == "-" else _read(profile)
    try:
        enterprise = parse_profile_json(text, catalog.facts)
    except ProfileError as error:
        for problem in error.errors:
            errors.print(f"{problem.field}: {problem.message}", markup=False, highlight=False)
        errors.print(f"[red]企业画像无效：{len(error.errors)} 处错误[/]")
        raise typer.Exit(2) from None
    result = evaluate(enterprise, day, catalog)
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
    else:
        render(result, console)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        errors.print(f"[red]无法读取 {path}：{error}[/]")
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库升级到最新结构（Alembic 迁移）。"""
    upgrade(default_engine())
    console.print(f"数据库已是最新结构：{_shown_url()}")


def _shown_url() -> str:
    return make_url(settings().database_url).render_as_string(hide_password=True)


RoleOption = Annotated[Role, typer.Option("--role", help="角色：enterprise / staff / admin")]
UsccOption = Annotated[str | None, typer.Option("--uscc", help="企业角色绑定的统一社会信用代码")]


@tokens_app.command("issue")
def tokens_issue(
    label: Annotated[str, typer.Option("--label", help="用途说明，如 财务系统对接")],
    role: Annotated[
        Role | None, typer.Option("--role", help="程序用令牌的角色：enterprise / staff / admin")
    ] = None,
    uscc: UsccOption = None,
    account: Annotated[
        str | None, typer.Option("--account", help="代表该账户的令牌：账户停用时随之失效")
    ] = None,
) -> None:
    """签发访问令牌（--role 给程序，或 --account 代表某一账户）；令牌明文只显示这一次。"""
    if (role is None) == (account is None):
        errors.print("[red]请指定 --role（程序用令牌）或 --account（代表账户的令牌）之一[/]")
        raise typer.Exit(2)
    database_or_exit()
    try:
        with session_scope() as session:
            if account is not None:
                if uscc is not None:
                    raise ValueError("代表账户的令牌沿用账户绑定的代码，不能另指定 --uscc")
                token, record = issue_account_token(session, account, label)
            else:
                assert role is not None
                token, record = issue_token(session, role, label, uscc)
    except ValueError as error:
        errors.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    role_label = ROLE_LABELS[Role(record.role)]
    console.print(f"令牌 #{record.id}（{role_label}）已签发，请妥善保存，之后无法再次查看：")
    sys.stdout.write(token + "\n")


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[int, typer.Argument(help="令牌编号")]) -> None:
    """吊销访问令牌。"""
    with session_scope() as session:
        record = revoke_token(session, token_id)
    if record is None:
        errors.print(f"[red]令牌 #{token_id} 不存在[/]")
        raise typer.Exit(1)
    console.print(f"令牌 #{token_id} 已吊销")


@accounts_app.command("create")
def accounts_create(
    username: Annotated[str, typer.Argument(help="登录名")],
    role: RoleOption,
    name: Annotated[str, typer.Option("--name", help="显示名称")],
    uscc: UsccOption = None,
    password: Annotated[
        str, typer.Option("--password", prompt="密码", hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """创建网页登录账号。"""
    database_or_exit()
    try:
        with session_scope() as session:
            create_account(session, username, password, role, name, uscc)
    except (ValueError, IntegrityError) as error:
        message = "登录名已存在" if isinstance(error, IntegrityError) else str(error)
        errors.print(f"[red]{message}[/]")
        raise typer.Exit(2) from None
    console.print(f"账号 {username}（{ROLE_LABELS[role]}）已创建")


def _exists(account: Account | None, username: str) -> None:
    """Exit status 1, saying so, when no account has that username."""
    if account is None:
        errors.print(f"[red]账号 {username} 不存在[/]")
        raise typer.Exit(1)


@accounts_app.command("disable")
def accounts_disable(username: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """停用网页登录账号：不能再登录，已登录的会话立即失效。"""
    with session_scope() as session:
        account = disable_account(session, username)
    _exists(account, username)
    console.print(f"账号 {username} 已停用，其会话均已结束")


@accounts_app.command("enable")
def accounts_enable(username: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """重新启用已停用的账号；停用前的会话不会恢复。"""
    with session_scope() as session:
        account = enable_account(session, username)
    _exists(account, username)
    console.print(f"账号 {username} 已启用")


@accounts_app.command("reset")
def accounts_reset(
    username: Annotated[str, typer.Argument(help="登录名")],
    password: Annotated[
        str, typer.Option("--password", prompt="新密码", hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """重设账号密码，并结束该账号的全部会话。"""
    try:
        with session_scope() as session:
            account = reset_password(session, username, password)
    except ValueError as error:
        errors.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    _exists(account, username)
    console.print(f"账号 {username} 的密码已重设，其会话均已结束")


@accounts_app.command("list")
def accounts_list() -> None:
    """列出全部网页登录账号（不记录最近登录时间）。"""
    with session_scope(database_or_exit()) as session:
        accounts = list_accounts(session)
    table = Table("登录名", "角色", "名称", "统一社会信用代码", "状态", "创建时间")
    for account in accounts:
        state = f"已停用（{account.disabled_at:%Y-%m-%d %H:%M}）" if account.disabled_at else "正常"
        table.add_row(
            escape(account.username),
            ROLE_LABELS[account.role],
            escape(account.display_name),
            account.uscc or "",
            state,
            f"{account.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)
    console.print(f"共 {len(accounts)} 个账号")


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine alone (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    demo: Annotated[bool, typer.Option(help="数据库为空时载入演示数据（仅开发环境）")] = True,
    workers: Annotated[int, typer.Option(help="工作进程数")] = 1,
) -> None:
    """启动服务：确认数据库结构为最新（迁移用 matcher db upgrade），按需载入演示数据，然后监听。"""
    config = settings()
    if config.secret_key == DEVELOPMENT_SECRET and not _loopback(host):
        errors.print(
            f"[red]开发用密钥只能在本机地址上使用：监听 {host} 前请设置 MATCHER_SECRET_KEY[/]"
        )
        raise typer.Exit(2)
    engine = database_or_exit(migrate=False)
    if demo and config.environment == "development":
        example = parse_profile_json(_read(DEMO_ENTERPRISE))
        with session_scope(engine) as session:
            stored = load_demo(session, example)
        if stored:
            console.print(f"已载入演示数据：{stored} 家企业")
            eligible = match_demo(engine, catalog_or_exit(), clock.today())
            console.print(f"已为演示企业匹配在施政策：符合条件 {eligible:,} 项")
    with console.status("正在准备行业推断模型……"):
        load_model()
    console.print(f"数据库：{_shown_url()}")
    console.print(f"服务地址：[bold]http://{host}:{port}/[/]　API 文档：http://{host}:{port}/docs")
    if demo and config.environment == "development":
        for username, password, role, _name, _uscc in DEMO_ACCOUNTS:
            console.print(f"演示登录（{ROLE_LABELS[role]}）：{username} / {password}")
    with multiprocess_directory(workers):
        serving.serve(  # several workers: a listening socket each, see matcher.serving
            "matcher.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            forwarded_allow_ips=config.forwarded_allow_ips,
            log_config=logging_config(config),
            access_log=False,  # matcher.access logs each request once, by its route
        )


@ledger_app.command("verify")
def ledger_verify() -> None:
    """核验账本：决定记录的哈希链与签名、限额账目、申请状态，以及账本外的检查点。"""
    with session_scope(default_engine()) as session:
        report = verify_ledger(session)
    if not report.intact:
        _print_problems(report)
        raise typer.Exit(1)
    console.print(
        f"账本完好：决定记录 {report.records} 条，哈希链连续、签名有效；"
        f"限额账目与申请状态均与记录一致；与 {report.checkpoints} 个检查点一致。",
        soft_wrap=True,
    )


@ledger_app.command("checkpoint")
def ledger_checkpoint() -> None:
    """核验账本，把签名的账本头追加到检查点文件（账本外保存，供日报存档）。"""
    try:
        with session_scope(default_engine()) as session:
            checkpoint = write_checkpoint(session)
    except LedgerInvalid as error:
        _print_problems(error.report)
        errors.print("未写入检查点。")
        raise typer.Exit(1) from None
    for line in (f"账本检查点：{checkpoint}", f"已追加到 {settings().ledger_checkpoints}"):
        console.print(line, soft_wrap=True, markup=False, highlight=False)


def _print_problems(report: LedgerReport) -> None:
    errors.print(f"[red]账本核验未通过：{len(report.problems)} 处问题[/]")
    for problem in report.problems:
        errors.print(str(problem), markup=False, highlight=False)


@claims_app.command("recompute-due-dates")
def claims_recompute_due_dates() -> None:
    """按新公布的节假日安排（新版 chinese-calendar 或节假日数据文件）重新计算预计的办理期限。"""
    try:
        calendar = load_holidays(settings().holidays_file)
    except CatalogError as error:
        print_issues(error)
        errors.print(f"[red]节假日数据有误：{len(error.issues)} 处错误，未重新计算[/]")
        raise typer.Exit(1) from None
    with session_scope(database_or_exit()) as session:
        results = recompute_due_dates(session, calendar)
    for result in results:
        shown = f"{result.now.day}{'（预计）' if result.now.estimated else ''}"
        console.print(f"申请 #{result.claim_id}：{result.was}（预计）→ {shown}", highlight=False)
    still = sum(result.now.estimated for result in results)
    console.print(
        f"预计的办理期限 {len(results)} 项：{len(results) - still} 项已按公布的节假日安排确定，"
        f"{still} 项所涉年份的安排仍未公布"
    )
