"""The types of the rule language. Strict: no value is ever converted between kinds silently."""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    BOOL = "bool"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    TEXT = "text"
    LIST = "list"


KIND_LABELS = {
    Kind.BOOL: "布尔值",
    Kind.INT: "整数",
    Kind.DECIMAL: "数值",
    Kind.DATE: "日期",
    Kind.TEXT: "文本",
    Kind.LIST: "列表",
}


@dataclass(frozen=True, slots=True)
class Type:
    """A rule type. ``values`` restricts a text to an enumeration; ``element`` types a list."""

    kind: Kind
    values: frozenset[str] | None = None
    element: "Type | None" = None

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.INT, Kind.DECIMAL)

    def describe(self) -> str:
        if self.kind is Kind.TEXT and self.values:
            return "枚举(" + "/".join(sorted(self.values)) + ")"
        if self.kind is Kind.LIST and self.element is not None:
            return f"{self.element.describe()}列表"
        return KIND_LABELS[self.kind]


BOOL = Type(Kind.BOOL)
INT = Type(Kind.INT)
DECIMAL = Type(Kind.DECIMAL)
DATE = Type(Kind.DATE)
TEXT = Type(Kind.TEXT)


def enum(*values: str) -> Type:
    """A text restricted to ``values``."""
    return Type(Kind.TEXT, frozenset(values))


def comparable(left: Type, right: Type) -> bool:
    """Whether two values may be compared: numbers with numbers, otherwise the same kind."""
    if left.is_numeric and right.is_numeric:
        return True
    return left.kind == right.kind and left.kind is not Kind.LIST
