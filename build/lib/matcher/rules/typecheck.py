"""Static typing of expressions against a :class:`~matcher.rules.schema.Schema`.

Runs when the catalog loads, so an unknown field, an unknown function or a type
mismatch is a load error with a position, never a wrong answer at run time.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from matcher.rules import ast
from matcher.rules.errors import RuleTypeError
from matcher.rules.functions import FUNCTIONS, SignatureError
from matcher.rules.schema import Schema
from matcher.rules.types import BOOL, DATE, DECIMAL, INT, TEXT, Kind, Type, comparable


def _literal_type(value: ast.Value) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, Decimal):
        return DECIMAL
    if isinstance(value, date):
        return DATE
    return TEXT


def _check_enum_value(enum_type: Type, node: ast.Node) -> None:
    """A text literal compared with an enumerated fact must be one of its values."""
    if (
        enum_type.values
        and isinstance(node, ast.Literal)
        and isinstance(node.value, str)
        and node.value not in enum_type.values
    ):
        allowed = "、".join(sorted(enum_type.values))
        raise RuleTypeError(f"{node.value!r} 不是可选值之一（{allowed}）", node.pos)


class _Checker:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def check(self, node: ast.Node) -> ast.Node:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        typed: ast.Node = method(node)
        return typed

    def _literal(self, node: ast.Literal) -> ast.Node:
        if node.value is None and node.type is not None:
            return node  # a typed unknown, built by a catalog definition, never parsed
        return replace(node, type=_literal_type(node.value))

    def _field(self, node: ast.Field) -> ast.Node:
        spec = self.schema.get(node.path)
        if spec is None:
            hint = self.schema.suggestion(node.path)
            message = f"未知字段 {node.path}"
            if hint:
                message += f"，是否想写 {hint}？"
            raise RuleTypeError(message, node.pos)
        return replace(node, type=spec.type)

    def _call(self, node: ast.Call) -> ast.Node:
        function = FUNCTIONS.get(node.name)
        if function is None:
            known = "、".join(sorted(FUNCTIONS))
            raise RuleTypeError(f"未知函数 {node.name}（可用：{known}）", node.pos)
        args = tuple(self.check(a) for a in node.args)
        try:
            result = function.result_type([_type(a) for a in args])
        except SignatureError as error:
            raise RuleTypeError(f"函数 {node.name} {error}", node.pos) from None
        return replace(node, args=args, type=result)

    def _not(self, node: ast.Not) -> ast.Node:
        operand = self._expect_bool(node.operand, "not")
        return replace(node, operand=operand, type=BOOL)

    def _negate(self, node: ast.Negate) -> ast.Node:
        operand = self.check(node.operand)
        if not _type(operand).is_numeric:
            raise RuleTypeError(f"负号只能用于数值，这里是{_type(operand).describe()}", node.pos)
        return replace(node, operand=operand, type=_type(operand))

    def _logical(self, node: ast.Logical) -> ast.Node:
        left = self._expect_bool(node.left, node.op)
        right = self._expect_bool(node.right, node.op)
        return replace(node, left=left, right=right, type=BOOL)

    def _compare(self, node: ast.Compare) -> ast.Node:
        left, right = self.check(node.left), self.check(node.right)
        lt, rt = _type(left), _type(right)
        if not comparable(lt, rt):
            raise RuleTypeError(f"不能用 {node.op} 比较{lt.describe()}与{rt.describe()}", node.pos)
        if node.op not in ("==", "!=") and lt.kind in (Kind.BOOL, Kind.TEXT):
            raise RuleTypeError(f"{lt.describe()}不能用 {node.op} 比较大小", node.pos)
        _check_enum_value(lt, right)
        _check_enum_value(rt, left)
        return replace(node, left=left, right=right, type=BOOL)

    def _arith(self, node: ast.Arith) -> ast.Node:
        left, right = self.check(node.left), self.check(node.right)
        lt, rt = _type(left), _type(right)
        if not (lt.is_numeric and rt.is_numeric):
            raise RuleTypeError(
                f"运算 {node.op} 需要数值，这里是{lt.describe()}与{rt.describe()}", node.pos
            )
        both_int = lt.kind is Kind.INT and rt.kind is Kind.INT
        result = INT if both_int and node.op != "/" else DECIMAL
        return replace(node, left=left, right=right, type=result)

    def _inlist(self, node: ast.InList) -> ast.Node:
        operand = self.check(node.operand)
        items = tuple(self.check(i) for i in node.items)
        if not items:
            raise RuleTypeError("列表不能为空", node.pos)
        for item in items:
            if not isinstance(item, ast.Literal):
                raise RuleTypeError("in 的列表只能包含常量", item.pos)
            if not comparable(_type(operand), _type(item)):
                raise RuleTypeError(
                    f"列表中的{_type(item).describe()}不能与{_type(operand).describe()}比较",
                    item.pos,
                )
            _check_enum_value(_type(operand), item)
        return replace(node, operand=operand, items=items, type=BOOL)

    def _if(self, node: ast.If) -> ast.Node:
        condition = self._expect_bool(node.condition, "if")
        then, otherwise = self.check(node.then), self.check(node.otherwise)
        tt, ot = _type(then), _type(otherwise)
        if tt.is_numeric and ot.is_numeric:
            result = INT if tt.kind is ot.kind is Kind.INT else DECIMAL
        elif tt.kind == ot.kind and tt.kind is not Kind.TEXT:
            result = tt
        elif tt.kind is ot.kind is Kind.TEXT:
            result = TEXT
        else:
            raise RuleTypeError(
                f"if 的两个分支类型不同：{tt.describe()}与{ot.describe()}", node.pos
            )
        return replace(node, condition=condition, then=then, otherwise=otherwise, type=result)

    def _expect_bool(self, node: ast.Node, where: str) -> ast.Node:
        typed = self.check(node)
        if _type(typed) != BOOL:
            raise RuleTypeError(f"{where} 需要布尔值，这里是{_type(typed).describe()}", typed.pos)
        return typed


def _type(node: ast.Node) -> Type:
    assert node.type is not None, "node was not type-checked"
    return node.type


def typecheck(node: ast.Node, schema: Schema) -> ast.Node:
    """Return a copy of ``node`` in which every node carries its type."""
    return _Checker(schema).check(node)
