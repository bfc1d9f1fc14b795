"""Load the policy catalog: every policy file validated, compiled and versioned, or nothing.

One bad file refuses the whole catalog with every problem listed (file, line, policy,
field); a partial catalog is never returned.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path

from pydantic import ValidationError

from matcher.config import settings
from matcher.policies.compile import CompiledPolicy, compile_policy
from matcher.policies.issues import CatalogError, CatalogIssue
from matcher.policies.model import Policy
from matcher.policies.yaml_source import YamlDocument, YamlSyntaxError, load_yaml
from matcher.profiles.errors import field_errors

CASES_SUFFIX = ".cases.yaml"
REFERENCE_DIRS = frozenset({"standards"})


@dataclass(frozen=True)
class Catalog:
    """An immutable set of compiled policies, in file order."""

    root: Path
    policies: tuple[CompiledPolicy, ...]

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


def policy_files(root: Path) -> list[Path]:
    """``<root>/<programme>/<id>.yaml``, reference standards and test cases excluded."""
    return sorted(
        path
        for path in root.glob("*/*.yaml")
        if path.parent.name not in REFERENCE_DIRS and not path.name.endswith(CASES_SUFFIX)
    )


def display_path(path: Path, root: Path) -> Path:
    """``path`` relative to the directory holding the catalog, as people see it."""
    try:
        return path.relative_to(root.parent)
    except ValueError:
        return path


def validation_issues(
    error: ValidationError, document: YamlDocument, shown: Path, policy: str | None
) -> list[CatalogIssue]:
    """pydantic's errors as catalog issues, each with the line it points at."""
    return [
        CatalogIssue(
            shown,
            document.line_of(tuple(error["loc"])),
            policy,
            ".".join(map(str, error["loc"])),
            fe.message,
        )
        for error, fe in zip(error.errors(include_url=False), field_errors(error), strict=True)
    ]


def _load_one(path: Path, root: Path) -> tuple[CompiledPolicy | None, list[CatalogIssue]]:
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
    return compile_policy(policy, document, shown)


def load_catalog(root: Path | None = None) -> Catalog:
    """Load every policy under ``root`` (default: the configured policies directory).

    Raises :class:`CatalogError` listing every problem if any file is invalid.
    """
    root = root if root is not None else settings().policies_dir
    files = policy_files(root)
    issues: list[CatalogIssue] = []
    policies: list[CompiledPolicy] = []
    if not files:
        issues.append(CatalogIssue(root, None, None, "", "目录中没有政策文件"))
    for path in files:
        compiled, found = _load_one(path, root)
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
    if issues:
        raise CatalogError(issues)
    return Catalog(root, tuple(policies))


@cache
def default_catalog() -> Catalog:
    """The catalog of the configured policies directory, loaded once per process."""
    return load_catalog()
