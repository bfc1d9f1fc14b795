"""The consoles of the command line, and how commands report a refused catalog or a bad date."""

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import Engine

from matcher import clock
from matcher.bounds import DayInvalid, parse_day
from matcher.config import settings
from matcher.db import default_engine
from matcher.migrate import SchemaBehind, prepare_schema, require_head
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.issues import CatalogError

console = Console()
errors = Console(stderr=True, soft_wrap=True)


def print_issues(error: CatalogError) -> None:
    """Every problem as ``file:line: [policy] field: message``, one per line."""
    for issue in error.issues:
        errors.print(str(issue), markup=False, highlight=False)


def catalog_or_exit(root: Path | None = None) -> Catalog:
    """The catalog, or every problem printed and exit status 1."""
    try:
        return load_catalog(root)
    except CatalogError as error:
        print_issues(error)
        errors.print(f"[red]政策目录加载失败：{len(error.issues)} 处错误[/]")
        raise typer.Exit(1) from None


def day_or_exit(text: str | None) -> date:
    """``YYYY-MM-DD`` in the range of :mod:`matcher.bounds`, or today in China when not given;
    exit status 2 on a bad date."""
    try:
        return parse_day(text) if text else clock.today()
    except DayInvalid as error:
        errors.print(f"日期无效：{text}（{error}）", style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None


def database_or_exit(*, migrate: bool = True) -> Engine:
    """The configured database with its schema at head, or exit status 2.

    A development database is migrated on the way when ``migrate`` is set; a production one
    never is (``matcher db upgrade`` is the operator's explicit step).
    """
    engine = default_engine()
    try:
        if migrate:
            prepare_schema(engine, settings().environment)
        else:
            require_head(engine)
    except SchemaBehind as error:
        errors.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None
    return engine
