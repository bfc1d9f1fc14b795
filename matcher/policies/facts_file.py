"""Fact files: the enterprise facts a catalog declares as data, in ``facts.yaml``.

A catalog may hold one at its root (``matcher/catalog/facts.yaml``, for every programme) and
one in each programme's directory (``matcher/catalog/<programme>/facts.yaml``); all of them
declare facts in one namespace. A file maps each fact's name to its declaration::

    facts:
      small_scale_taxpayer:
        type: bool
        label: 增值税小规模纳税人
        authority: tax
        source: 税务登记的增值税纳税人类型

Unknown keys, a name that is already an enterprise fact (a profile field or a derived fact)
and a name declared twice are errors, reported with the file and line like the rest of the
catalog.
"""

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from matcher.policies.issues import CatalogIssue, display_path, validation_issues
from matcher.policies.yaml_source import YamlSyntaxError, load_yaml
from matcher.profiles.declared import (
    DECLARED_NAME,
    NAME_LENGTH,
    DeclaredFacts,
    FactDeclaration,
)
from matcher.profiles.derived import derived_facts
from matcher.profiles.model import EnterpriseProfile

FACTS_FILE = "facts.yaml"

DeclaredName = Annotated[str, StringConstraints(pattern=DECLARED_NAME, max_length=NAME_LENGTH)]


class FactFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: dict[DeclaredName, FactDeclaration] = Field(min_length=1)


def _reserved() -> frozenset[str]:
    """Names a declared fact may not take: the built-in enterprise facts, and ``as_of``."""
    derived = (spec.path.removeprefix("enterprise.") for spec in derived_facts())
    return frozenset({*EnterpriseProfile.model_fields, *derived, "as_of"})


def fact_files(root: Path, skipped_dirs: frozenset[str]) -> list[Path]:
    """``<root>/facts.yaml`` and ``<root>/<programme>/facts.yaml``, those that exist."""
    nested = (p for p in root.glob(f"*/{FACTS_FILE}") if p.parent.name not in skipped_dirs)
    return [p for p in (root / FACTS_FILE, *sorted(nested)) if p.is_file()]


def load_declared_facts(
    root: Path, skipped_dirs: frozenset[str] = frozenset()
) -> tuple[DeclaredFacts, list[CatalogIssue]]:
    """Every fact the catalog under ``root`` declares, and every problem found."""
    declared: dict[str, FactDeclaration] = {}
    declared_in: dict[str, Path] = {}
    issues: list[CatalogIssue] = []
    reserved = _reserved()
    for path in fact_files(root, skipped_dirs):
        shown = display_path(path, root)
        try:
            document = load_yaml(path)
        except YamlSyntaxError as error:
            issues.append(CatalogIssue(shown, error.line, None, "", error.message))
            continue
        try:
            facts = FactFile.model_validate(document.data).facts
        except ValidationError as error:
            issues.extend(validation_issues(error, document, shown, None))
            continue
        for name, declaration in facts.items():
            line = document.line_of(("facts", name))
            if name in reserved:
                message = f"enterprise.{name} 已是内置的企业信息，请换一个名称"
                issues.append(CatalogIssue(shown, line, None, f"facts.{name}", message))
            elif name in declared_in:
                message = f"已在 {declared_in[name]} 中声明"
                issues.append(CatalogIssue(shown, line, None, f"facts.{name}", message))
            else:
                declared[name], declared_in[name] = declaration, shown
    return DeclaredFacts(declared), issues
