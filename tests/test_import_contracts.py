"""The layers of CONTRIBUTING.md, checked by import-linter against the contracts in pyproject."""

from importlinter.cli import lint_imports


def test_every_import_contract_is_kept() -> None:
    assert lint_imports(no_logo=True) == 0
