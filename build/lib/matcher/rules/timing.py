"""When will time alone satisfy a criterion?

Recognises the shapes a policy uses for waiting periods and solves them for ``as_of``:
``years_between(X, as_of) >= n`` (also months and days, and ``>``), ``as_of >= date``
(also ``>``), and ``and`` / ``or`` of such shapes with conditions that already hold.
Anything else has no such date. The SQL twin is :mod:`matcher.rules.sql_timing`.
"""

from datetime import date, timedelta

from matcher.rules import ast
from matcher.rules.evaluator import Facts, compile_node
from matcher.rules.functions import DATE_OF_THRESHOLD

AS_OF = "as_of"


def is_as_of(node: ast.Node) -> bool:
    return isinstance(node, ast.Field) and node.path == AS_OF


def mirror(node: ast.Compare) -> tuple[str, ast.Node, ast.Node]:
    """Normalise ``n <= f(as_of)`` to ``f(as_of) >= n``."""
    flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
    if depends_on_as_of(node.right) and not depends_on_as_of(node.left):
        return flipped.get(node.op, node.op), node.right, node.left
    return node.op, node.left, node.right


def depends_on_as_of(node: ast.Node) -> bool:
    return AS_OF in ast.fields(node)


def _logical_date(node: ast.Logical, facts: Facts) -> date | None:
    """``and`` waits for its last false operand, ``or`` for its first."""
    dates = []
    for operand in (node.left, node.right):
        value = compile_node(operand)(facts)
        if value is True:
            if node.op == "or":
                return None  # already holds: nothing to wait for
            continue
        dates.append(date_satisfied(operand, facts) if value is False else None)
    known = [d for d in dates if d is not None]
    if node.op == "and":
        return max(known) if known and len(known) == len(dates) else None
    return min(known) if known else None


def date_satisfied(node: ast.Node, facts: Facts) -> date | None:
    """The first date on which ``node`` holds if only ``as_of`` moves; ``None`` if none."""
    if isinstance(node, ast.Logical):
        return _logical_date(node, facts)
    if not isinstance(node, ast.Compare):
        return None
    op, subject, bound_node = mirror(node)
    if op not in (">=", ">") or depends_on_as_of(bound_node):
        return None
    bound = compile_node(bound_node)(facts)
    if is_as_of(subject) and isinstance(bound, date):
        return bound if op == ">=" else bound + timedelta(days=1)
    if (
        isinstance(subject, ast.Call)
        and subject.name in DATE_OF_THRESHOLD
        and len(subject.args) == 2
        and is_as_of(subject.args[1])
        and not depends_on_as_of(subject.args[0])
        and isinstance(bound, int)
        and not isinstance(bound, bool)
    ):
        start = compile_node(subject.args[0])(facts)
        if not isinstance(start, date):
            return None
        threshold = bound if op == ">=" else bound + 1
        return DATE_OF_THRESHOLD[subject.name](start, threshold)
    return None
