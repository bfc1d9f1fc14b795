"""YAML loading that remembers where each value came from, for errors that name the line.

A key written twice in one mapping is an error (YAML says keys are unique; PyYAML would keep
the last silently, so a second ``amount:`` would win without a word).
"""

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

_MERGE_TAG = "tag:yaml.org,2002:merge"
_OPENERS = frozenset("[{\"'")
"""How a flow collection or a quoted scalar begins: one left open is reported where it began."""

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


class DuplicateKey(ConstructorError):
    def __init__(self, key: object, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(None, None, f"键 {key} 重复（第 {first.line + 1} 行已有）", again)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a mapping that names one key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Hashable, yaml.Mark] = {}
        for key_node, _value in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                raise DuplicateKey(key, seen[key], key_node.start_mark)
            if isinstance(key, Hashable):
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def _error_line(error: yaml.MarkedYAMLError) -> int | None:
    """The line to fix: where an unclosed bracket or quote began, else where parsing failed."""
    context = error.context_mark
    if context is not None and context.buffer and context.buffer[context.pointer] in _OPENERS:
        return context.line + 1
    mark = error.problem_mark or context
    return mark.line + 1 if mark is not None else None


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
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except DuplicateKey as error:
        raise YamlSyntaxError(path, _error_line(error), str(error.problem)) from None
    except yaml.MarkedYAMLError as error:
        raise YamlSyntaxError(path, _error_line(error), f"YAML 语法错误：{error.problem}") from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(path, None, f"YAML 语法错误：{error}") from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    if node is not None:
        _index(node, (), lines)
    return YamlDocument(path, data, lines)
