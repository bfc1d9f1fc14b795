"""The command line: ``matcher policies check`` and ``matcher match``."""

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.render import render, to_json
from matcher.policies.cases import load_cases, run_case
from matcher.policies.catalog import load_catalog
from matcher.policies.issues import CatalogError
from matcher.profiles.errors import ProfileError
from matcher.profiles.parse import parse_profile_json

app = typer.Typer(help="惠企政策精准推送：按企业画像匹配惠企政策。", no_args_is_help=True)
policies_app = typer.Typer(help="政策目录。", no_args_is_help=True)
app.add_typer(policies_app, name="policies")

console = Console()
errors = Console(stderr=True, soft_wrap=True)

PoliciesDir = Annotated[
    Path | None, typer.Option("--policies", help="政策目录（默认为配置的 policies/）")
]


def _catalog_or_exit(root: Path | None):  # type: ignore[no-untyped-def]
    try:
        return load_catalog(root)
    except CatalogError as error:
        for issue in error.issues:
            errors.print(str(issue), markup=False, highlight=False)
        errors.print(f"[red]政策目录加载失败：{len(error.issues)} 处错误[/]")
        raise typer.Exit(1) from None


@policies_app.command("check")
def check(root: PoliciesDir = None) -> None:
    """加载并检查政策目录，运行每项政策的测试用例。"""
    catalog = _catalog_or_exit(root)
    try:
        cases = load_cases(catalog)
    except CatalogError as error:
        for issue in error.issues:
            errors.print(str(issue), markup=False, highlight=False)
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
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        errors.print(f"[red]日期无效：{as_of}（应为 YYYY-MM-DD）[/]")
        raise typer.Exit(2) from None
    text = sys.stdin.read() if str(profile) == "-" else _read(profile)
    try:
        enterprise = parse_profile_json(text)
    except ProfileError as error:
        for problem in error.errors:
            errors.print(f"{problem.field}: {problem.message}", markup=False, highlight=False)
        errors.print(f"[red]企业画像无效：{len(error.errors)} 处错误[/]")
        raise typer.Exit(2) from None
    result = evaluate(enterprise, day, _catalog_or_exit(root))
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
