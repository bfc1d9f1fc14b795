"""Three-valued evaluation of a typed AST for one set of facts.

The AST is turned once into a tree of Python closures (no ``eval``), so evaluating the
whole catalog for one profile costs a few microseconds per criterion. ``None`` is
"unknown": any operation on an unknown operand is unknown, except where Kleene logic
decides (``false and unknown`` is false, ``true or unknown`` is true).
"""

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal

from matcher.rules import ast
from matcher.rules.functions import FUNCTIONS

Facts = Mapping[str, ast.Value]
Evaluator = Callable[[Facts], ast.Value]


def _divide(left: int | Decimal, right: int | Decimal) -> Decimal | None:
    """Exact decimal division; division by zero is unknown, as NULLIF makes it in SQL."""
    if right == 0:
        return None
    return Decimal(left) / Decimal(right)


_ARITHMETIC: dict[str, Callable[[int | Decimal, int | Decimal], ast.Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
}


def _literal(node: ast.Literal) -> Evaluator:
    value = node.value
    return lambda facts: value


def _field(node: ast.Field) -> Evaluator:
    path = node.path
    return lambda facts: facts.get(path)


def _call(node: ast.Call) -> Evaluator:
    apply = FUNCTIONS[node.name].apply
    args = [compile_node(a) for a in node.args]

    def call(facts: Facts) -> ast.Value:
        values = [a(facts) for a in args]
        if any(v is None for v in values):
            return None
        result: ast.Value = apply(*values)
        return result

    return call


def _not(node: ast.Not) -> Evaluator:
    operand = compile_node(node.operand)

    def negation(facts: Facts) -> ast.Value:
        value = operand(facts)
        return None if value is None else not value

    return negation


def _negate(node: ast.Negate) -> Evaluator:
    operand = compile_node(node.operand)

    def minus(facts: Facts) -> ast.Value:
        value = operand(facts)
        return None if value is None else -value  # type: ignore[operator]

    return minus


def _logical(node: ast.Logical) -> Evaluator:
    left, right = compile_node(node.left), compile_node(node.right)
    decisive = node.op == "or"  # the operand value that decides the result by itself

    def logical(facts: Facts) -> ast.Value:
        a = left(facts)
        if a is decisive:
            return decisive
        b = right(facts)
        if b is decisive:
            return decisive
        if a is None or b is None:
            return None
        return not decisive

    return logical


def _binary(
    node: ast.Compare | ast.Arith, table: Mapping[str, Callable[..., ast.Value]]
) -> Evaluator:
    left, right, apply = compile_node(node.left), compile_node(node.right), table[node.op]

    def binary(facts: Facts) -> ast.Value:
        a = left(facts)
        if a is None:
            return None
        b = right(facts)
        if b is None:
            return None
        return apply(a, b)

    return binary


def _inlist(node: ast.InList) -> Evaluator:
    operand = compile_node(node.operand)
    members = frozenset(item.value for item in node.items if isinstance(item, ast.Literal))
    negated = node.negated

    def membership(facts: Facts) -> ast.Value:
        value = operand(facts)
        if value is None:
            return None
        return (value in members) != negated

    return membership


def _if(node: ast.If) -> Evaluator:
    condition, then, otherwise = (
        compile_node(node.condition),
        compile_node(node.then),
        compile_node(node.otherwise),
    )

    def conditional(facts: Facts) -> ast.Value:
        test = condition(facts)
        if test is None:
            return None
        return then(facts) if test else otherwise(facts)

    return conditional


def compile_node(node: ast.Node) -> Evaluator:
    """Turn a type-checked AST into a function of the facts."""
    match node:
        case ast.Literal():
            return _literal(node)
        case ast.Field():
            return _field(node)
        case ast.Call():
            return _call(node)
        case ast.Not():
            return _not(node)
        case ast.Negate():
            return _negate(node)
        case ast.Logical():
            return _logical(node)
        case ast.Compare():
            return _binary(node, ast.COMPARISONS)
        case ast.Arith():
            return _binary(node, _ARITHMETIC)
        case ast.InList():
            return _inlist(node)
        case ast.If():
            return _if(node)
    raise TypeError(f"not an AST node: {node!r}")
