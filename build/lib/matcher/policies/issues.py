"""Problems found while loading the catalog, each naming file, line, policy and field."""

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from matcher.policies.yaml_source import YamlDocument
from matcher.profiles.errors import field_errors


@dataclass(frozen=True, slots=True)
class CatalogIssue:
    file: Path
    line: int | None
    policy: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        subject = f" [{self.policy}]" if self.policy else ""
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{subject}{field} {self.message}"


class CatalogError(Exception):
    """The catalog was refused as a whole; ``issues`` lists every problem found."""

    def __init__(self, issues: list[CatalogIssue]) -> None:
        super().__init__(f"政策目录有 {len(issues)} 处错误:\n" + "\n".join(map(str, issues)))
        self.issues = issues


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
