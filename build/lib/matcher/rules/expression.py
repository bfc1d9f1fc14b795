"""The public face of the rule language: text in, a typed and compiled expression out."""

from collections.abc import Mapping
from dataclasses import dataclass

from matcher.rules import ast
from matcher.rules.errors import Position, RuleTypeError
from matcher.rules.evaluator import Evaluator, compile_node
from matcher.rules.parser import parse
from matcher.rules.schema import Schema
from matcher.rules.substitute import substitute
from matcher.rules.typecheck import typecheck
from matcher.rules.types import Kind, Type


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed, type-checked and compiled expression.

    ``node`` is the typed AST (for the SQL compiler and for explanations), ``fields`` the
    facts it reads, in source order.
    """

    text: str
    node: ast.Node
    fields: tuple[str, ...]
    evaluate: Evaluator
    """The value under the given facts; ``None`` when a fact it needs is unknown."""

    @property
    def type(self) -> Type:
        assert self.node.type is not None
        return self.node.type


def _accepts(expected: Type, actual: Type) -> bool:
    if expected.kind is Kind.DECIMAL:
        return actual.is_numeric
    return expected.kind is actual.kind


def compile_expression(
    text: str,
    schema: Schema,
    expected: Type | None = None,
    definitions: Mapping[str, ast.Node] | None = None,
) -> Expression:
    """Parse ``text``, type-check it against ``schema`` and compile it.

    ``expected`` is the type the context needs (a criterion needs a boolean, an amount a
    number). ``definitions`` maps fact paths to the expressions they stand for (see
    :mod:`matcher.rules.substitute`). Raises :class:`~matcher.rules.errors.RuleError` and
    nothing else.
    """
    node = typecheck(substitute(parse(text), definitions or {}), schema)
    assert node.type is not None
    if expected is not None and not _accepts(expected, node.type):
        raise RuleTypeError(
            f"此处需要{expected.describe()}，表达式的结果是{node.type.describe()}", Position(1, 1)
        )
    return Expression(text, node, ast.fields(node), compile_node(node))
