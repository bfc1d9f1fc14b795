"""The one AST of the rule language, shared by the evaluator and the SQL compiler.

Nodes are immutable. The parser builds them untyped; the type checker returns a copy in
which every node carries its :class:`~matcher.rules.types.Type`.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from matcher.rules.errors import Position
from matcher.rules.types import Type

Value = bool | int | Decimal | str | date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    pos: Position
    type: Type | None = None


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Value


@dataclass(frozen=True, slots=True)
class Field(Node):
    """A fact named by its dotted path: ``enterprise.employees``, ``claim.project_id``."""

    path: str


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Logical(Node):
    """``and`` / ``or`` under Kleene three-valued logic."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
"""What each :class:`Compare` operator does, for both back ends: the evaluator applies it to
values, the SQL compiler to SQLAlchemy expressions, whose operators build the SQL comparison."""


@dataclass(frozen=True, slots=True)
class Arith(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class InList(Node):
    operand: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``, in source order."""
    match node:
        case Call(args=args):
            return args
        case Not(operand=o) | Negate(operand=o):
            return (o,)
        case Logical(left=a, right=b) | Compare(left=a, right=b) | Arith(left=a, right=b):
            return (a, b)
        case InList(operand=o, items=items):
            return (o, *items)
        case If(condition=c, then=t, otherwise=e):
            return (c, t, e)
    return ()


def fields(node: Node) -> tuple[str, ...]:
    """Every fact path ``node`` reads, once each, in source order."""
    seen: dict[str, None] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Field):
            seen.setdefault(current.path)
        stack.extend(reversed(children(current)))
    return tuple(seen)
