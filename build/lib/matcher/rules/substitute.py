"""Replace named facts by expressions: how a catalog plugs its definitions into the language.

A dated parameter, for instance, is a fact path (``param.rate``) that stands for an ``if``
chain over the evaluation date; substituting it before type checking gives both back ends
(the evaluator and SQL) the same expression, with nothing new to learn.
"""

from collections.abc import Mapping
from dataclasses import replace

from matcher.rules import ast


def substitute(node: ast.Node, definitions: Mapping[str, ast.Node]) -> ast.Node:
    """``node`` with every field named in ``definitions`` replaced by its definition."""
    if not definitions:
        return node

    def walk(current: ast.Node) -> ast.Node:
        match current:
            case ast.Field(path=path) if path in definitions:
                return definitions[path]
            case ast.Call(args=args):
                return replace(current, args=tuple(walk(a) for a in args))
            case ast.Not(operand=operand) | ast.Negate(operand=operand):
                return replace(current, operand=walk(operand))
            case ast.Logical(left=left, right=right) | ast.Compare(left=left, right=right):
                return replace(current, left=walk(left), right=walk(right))
            case ast.Arith(left=left, right=right):
                return replace(current, left=walk(left), right=walk(right))
            case ast.InList(operand=operand, items=items):
                return replace(current, operand=walk(operand), items=tuple(map(walk, items)))
            case ast.If(condition=condition, then=then, otherwise=otherwise):
                return replace(
                    current, condition=walk(condition), then=walk(then), otherwise=walk(otherwise)
                )
        return current

    return walk(node)
