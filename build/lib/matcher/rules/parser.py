"""Text to AST, with lark's LALR parser. Nothing here evaluates anything."""

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from matcher.rules import ast
from matcher.rules.errors import Position, RuleSyntaxError

MAX_EXPRESSION_LENGTH = 4000
MAX_DEPTH = 100


@cache
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def _pos(item: Any) -> Position:
    if isinstance(item, Token):
        return Position(item.line or 1, item.column or 1)
    return Position(item.pos.line, item.pos.column)


def _date_literal(name: Token, args: list[ast.Node]) -> ast.Literal | None:
    """``date("2020-06-22")`` with a literal argument is a date literal."""
    if name != "date" or len(args) != 1 or not isinstance(args[0], ast.Literal):
        return None
    text = args[0].value
    if not isinstance(text, str):
        return None
    try:
        return ast.Literal(date.fromisoformat(text), pos=_pos(name))
    except ValueError:
        raise RuleSyntaxError(f"日期 {text!r} 无效，应写作 YYYY-MM-DD", _pos(name)) from None


@v_args(inline=True)
class _ToAst(Transformer[Token, ast.Node]):
    def number(self, token: Token) -> ast.Literal:
        value: int | Decimal = Decimal(token) if "." in token else int(token)
        return ast.Literal(value, pos=_pos(token))

    def string(self, token: Token) -> ast.Literal:
        return ast.Literal(str(token)[1:-1], pos=_pos(token))

    @v_args(meta=True, inline=False)
    def true(self, meta: Any, _children: list[Any]) -> ast.Literal:
        return ast.Literal(True, pos=Position(meta.line, meta.column))

    @v_args(meta=True, inline=False)
    def false(self, meta: Any, _children: list[Any]) -> ast.Literal:
        return ast.Literal(False, pos=Position(meta.line, meta.column))

    def path(self, *names: Token) -> ast.Field:
        return ast.Field(".".join(names), pos=_pos(names[0]))

    def call(self, name: Token, *args: ast.Node | None) -> ast.Node:
        arguments = [a for a in args if a is not None]
        return _date_literal(name, arguments) or ast.Call(
            str(name), tuple(arguments), pos=_pos(name)
        )

    def list(self, *items: ast.Node | None) -> tuple[ast.Node, ...]:
        return tuple(i for i in items if i is not None)

    def compare(self, left: ast.Node, op: Token, right: ast.Node) -> ast.Compare:
        return ast.Compare(str(op), left, right, pos=_pos(op))

    def arith(self, left: ast.Node, op: Token, right: ast.Node) -> ast.Arith:
        return ast.Arith(str(op), left, right, pos=_pos(op))

    def and_op(self, left: ast.Node, right: ast.Node) -> ast.Logical:
        return ast.Logical("and", left, right, pos=left.pos)

    def or_op(self, left: ast.Node, right: ast.Node) -> ast.Logical:
        return ast.Logical("or", left, right, pos=left.pos)

    def not_op(self, operand: ast.Node) -> ast.Not:
        return ast.Not(operand, pos=operand.pos)

    def neg(self, operand: ast.Node) -> ast.Negate:
        return ast.Negate(operand, pos=operand.pos)

    def in_op(self, operand: ast.Node, items: tuple[ast.Node, ...]) -> ast.InList:
        return ast.InList(operand, items, False, pos=operand.pos)

    def not_in_op(self, operand: ast.Node, items: tuple[ast.Node, ...]) -> ast.InList:
        return ast.InList(operand, items, True, pos=operand.pos)

    def if_expr(self, condition: ast.Node, then: ast.Node, otherwise: ast.Node) -> ast.If:
        return ast.If(condition, then, otherwise, pos=condition.pos)


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedEOF):
        return "表达式不完整"
    if isinstance(error, UnexpectedCharacters):
        return f"无法识别的字符 {error.char!r}"
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END":
        return "表达式不完整"
    return f"此处不应出现 {str(token)!r}"


def parse(text: str) -> ast.Node:
    """Parse ``text`` into an untyped AST, or raise :class:`RuleSyntaxError`."""
    if not text.strip():
        raise RuleSyntaxError("表达式为空", Position(1, 1))
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise RuleSyntaxError(f"表达式过长（超过 {MAX_EXPRESSION_LENGTH} 个字符）", Position(1, 1))
    try:
        tree = _parser().parse(text)
        node = _ToAst().transform(tree)
    except UnexpectedInput as error:
        position = Position(error.line, error.column) if error.line > 0 else Position(1, 1)
        raise RuleSyntaxError(_describe(error), position) from None
    except VisitError as error:
        if isinstance(error.orig_exc, RuleSyntaxError):
            raise error.orig_exc from None
        raise
    except RecursionError:
        raise RuleSyntaxError("表达式嵌套过深", Position(1, 1)) from None
    if not isinstance(node, ast.Node):
        raise RuleSyntaxError("不是一个表达式", Position(1, 1))
    _check_depth(node)
    return node


def _check_depth(root: ast.Node) -> None:
    """Reject nesting deeper than :data:`MAX_DEPTH`, which later recursive passes rely on."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RuleSyntaxError(f"表达式嵌套过深（超过 {MAX_DEPTH} 层）", node.pos)
        stack.extend((child, depth + 1) for child in ast.children(node))
