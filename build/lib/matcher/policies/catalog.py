"""Load the policy catalog: every policy file validated, compiled and versioned, or nothing.

One bad file refuses the whole catalog with every problem listed (file, line, policy,
field); a partial catalog is never returned. The catalog's fact files
(:mod:`matcher.policies.facts_file`) are read first: the facts they declare are enterprise facts
every policy may name.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path

from pydantic import ValidationError

from matcher.config import settings
from matcher.policies.compile import CompiledPolicy, compile_policy
from matcher.policies.facts_file import FACTS_FILE, load_declared_facts
from matcher.policies.issues import CatalogError, CatalogIssue, display_path, validation_issues
from matcher.policies.model import Policy
from matcher.policies.yaml_source import YamlSyntaxError, load_yaml
from matcher.profiles.declared import NO_DECLARED_FACTS, DeclaredFacts

CASES_SUFFIX = ".cases.yaml"
REFERENCE_DIRS = frozenset({"standards"})


@dataclass(frozen=True)
class Catalog:
    """An immutable set of compiled policies, in file order, and the facts it declares."""

    root: Path
    policies: tuple[CompiledPolicy, ...]
    facts: DeclaredFacts = NO_DECLARED_FACTS

    def __iter__(self) -> Iterator[CompiledPolicy]:
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    @cached_property
    def _by_id(self) -> dict[str, CompiledPolicy]:
        return {p.id: p for p in self.policies}

    def get(self, policy_id: str) -> CompiledPolicy | None:
        return self._by_id.get(policy_id)

    def in_force(self, as_of: date) -> tuple[CompiledPolicy, ...]:
        """The policies whose effective period covers ``as_of``."""
        return tuple(p for p in self.policies if p.policy.effective.covers(as_of))

    def ended(self, as_of: date) -> tuple[CompiledPolicy, ...]:
        """The policies whose effective period ended before ``as_of``, latest end first."""
        ended = [p for p in self.policies if (u := p.policy.effective.until) and u < as_of]
        return tuple(sorted(ended, key=lambda p: p.policy.effective.until or as_of, reverse=True))


def policy_files(root: Path) -> list[Path]:
    """``<root>/<programme>/<id>.yaml``; reference standards, test cases and fact files
    excluded."""
    return sorted(
        path
        for path in root.glob("*/*.yaml")
        if path.parent.name not in REFERENCE_DIRS
        and not path.name.endswith(CASES_SUFFIX)
        and path.name != FACTS_FILE
    )


def _load_one(
    path: Path, root: Path, declared: DeclaredFacts
) -> tuple[CompiledPolicy | None, list[CatalogIssue]]:
    shown = display_path(path, root)
    try:
        document = load_yaml(path)
    except YamlSyntaxError as error:
        return None, [CatalogIssue(shown, error.line, None, "", error.message)]
    policy_id = document.data.get("id") if isinstance(document.data, dict) else None
    try:
        policy = Policy.model_validate(document.data)
    except ValidationError as error:
        name = policy_id if isinstance(policy_id, str) else None
        return None, validation_issues(error, document, shown, name)
    return compile_policy(policy, document, shown, declared)


def reference_issues(policies: list[CompiledPolicy]) -> list[CatalogIssue]:
    """Every ``replaces``, ``replaced_by`` and ``excludes`` must name a policy of the catalog,
    and a replacement must begin after what it replaces ends."""
    by_id = {p.id: p for p in policies}
    issues = []
    for compiled in policies:
        policy = compiled.policy
        named = [("replaces", i) for i in policy.replaces]
        named += [("excludes", e.policy) for e in policy.excludes]
        if policy.replaced_by is not None:
            named.append(("replaced_by", policy.replaced_by))
        for field, other in named:
            if other not in by_id:
                issues.append(
                    CatalogIssue(compiled.path, None, compiled.id, field, f"未知政策 {other}")
                )
        successor = by_id.get(policy.replaced_by or "")
        until = policy.effective.until
        if successor is not None and until is not None:
            if successor.policy.effective.start <= until:
                issues.append(
                    CatalogIssue(
                        compiled.path,
                        None,
                        compiled.id,
                        "replaced_by",
                        f"{successor.id} 须在 {until} 之后生效",
                    )
                )
            if compiled.id not in successor.policy.replaces:
                issues.append(
                    CatalogIssue(
                        successor.path,
                        None,
                        successor.id,
                        "replaces",
                        f"应列出被替代的 {compiled.id}",
                    )
                )
    return issues


def load_catalog(root: Path | None = None) -> Catalog:
    """Load every policy under ``root`` (default: the configured policies directory).

    Raises :class:`CatalogError` listing every problem if any file is invalid.
    """
    root = root if root is not None else settings().policies_dir
    files = policy_files(root)
    declared, issues = load_declared_facts(root, REFERENCE_DIRS)
    policies: list[CompiledPolicy] = []
    if not files:
        issues.append(CatalogIssue(root, None, None, "", "目录中没有政策文件"))
    for path in files:
        compiled, found = _load_one(path, root, declared)
        issues.extend(found)
        if compiled is not None:
            policies.append(compiled)
    seen: dict[str, Path] = {}
    for compiled in policies:
        if compiled.id in seen:
            issues.append(
                CatalogIssue(compiled.path, 1, compiled.id, "id", f"id 与 {seen[compiled.id]} 重复")
            )
        seen.setdefault(compiled.id, compiled.path)
    issues.extend(reference_issues(policies))
    if issues:
        raise CatalogError(issues)
    return Catalog(root, tuple(policies), declared)


@cache
def default_catalog() -> Catalog:
    """The catalog of the configured policies directory, loaded once per process."""
    return load_catalog()
