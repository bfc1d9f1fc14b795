"""The layers of CONTRIBUTING.md: import-linter's contracts in pyproject, and the one rule no
list of packages can keep up with — the rule engine imports nothing of ours."""

import grimp
from importlinter.cli import lint_imports


def test_every_import_contract_is_kept() -> None:
    assert lint_imports(no_logo=True) == 0


def test_the_rule_engine_imports_nothing_of_ours() -> None:
    graph = grimp.build_graph("matcher")
    engine = {"matcher.rules", *graph.find_descendants("matcher.rules")}
    outside = {
        (module, imported)
        for module in engine
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] == "matcher" and imported not in engine
    }
    assert outside == set()
