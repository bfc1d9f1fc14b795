"""The consoles of the command line, and the one way a command reports a refused catalog."""

from pathlib import Path

import typer
from rich.console import Console

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
