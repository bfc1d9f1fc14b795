"""YAML loading that remembers where each value came from, for errors that name the line."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Location = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """The data of one YAML file and the 1-based line of every value in it."""

    path: Path
    data: Any
    lines: dict[Location, int]

    def line_of(self, location: Location) -> int | None:
        """The line of ``location``, or of its nearest ancestor that has one."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return None


class YamlSyntaxError(ValueError):
    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


def _index(node: yaml.Node, location: Location, lines: dict[Location, int]) -> None:
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _index(value, (*location, key.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index(item, (*location, position), lines)


def load_yaml(path: Path) -> YamlDocument:
    """Read ``path`` with YAML's safe loader; raise :class:`YamlSyntaxError` on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlSyntaxError(path, None, f"无法读取文件：{error}") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlSyntaxError(path, line, f"YAML 语法错误：{error.problem}") from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(path, None, f"YAML 语法错误：{error}") from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    if node is not None:
        _index(node, (), lines)
    return YamlDocument(path, data, lines)
