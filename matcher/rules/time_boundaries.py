"""On which days can the passing of time alone change what an expression says?

A population's entitlements change with time in three ways. A waiting period
(``years_between(X, as_of) >= n`` and the other shapes :mod:`matcher.rules.timing` solves)
only ever goes from false to true, on a day the matcher computes per enterprise
(``eligible_from``). A comparison of ``as_of`` with a date literal (``as_of >= date(…)``, the
``if`` chain of a dated parameter) flips on that one day for every enterprise. Anything else
(``as_of`` in arithmetic, a waiting period under ``not``) may flip on any day.

:func:`time_boundaries` tells these apart, so a nightly run re-judges a whole policy only on a
day one of its boundaries is crossed, and otherwise only the enterprises whose own day came.
"""

from datetime import date, timedelta

from matcher.rules import ast
from matcher.rules.functions import DATE_OF_THRESHOLD
from matcher.rules.timing import depends_on_as_of, is_as_of, mirror

ANY_DAY = None
"""What :func:`time_boundaries` answers when time may change the value on any day."""


def _flip_day(op: str, day: date) -> date:
    """The first day on which ``as_of <op> day`` differs from the day before."""
    return day + timedelta(days=1) if op in ("<=", ">") else day


def _literal_date(node: ast.Node) -> date | None:
    if isinstance(node, ast.Literal) and isinstance(node.value, date):
        return node.value
    return None


def _waiting_period(node: ast.Compare) -> bool:
    """``years_between(X, as_of) >= n`` and its kin (X and n not on ``as_of``): only ever
    turns true, on a day :mod:`matcher.rules.timing` computes."""
    op, subject, bound = mirror(node)
    return (
        op in (">=", ">")
        and not depends_on_as_of(bound)
        and isinstance(subject, ast.Call)
        and subject.name in DATE_OF_THRESHOLD
        and len(subject.args) == 2
        and is_as_of(subject.args[1])
        and not depends_on_as_of(subject.args[0])
    )


def time_boundaries(node: ast.Node, null_prefixes: tuple[str, ...] = ()) -> frozenset[date] | None:
    """The days on which time alone can change ``node``'s value for some enterprise, beyond
    the waiting periods each enterprise's ``eligible_from`` already tracks; ``None``
    (:data:`ANY_DAY`) if it may change on any day.

    Facts under ``null_prefixes`` are empty where the answer is used (a population has no
    claim facts): a comparison reading one is empty whatever the day.
    """
    return _boundaries(node, null_prefixes, positive=True)


def _boundaries(node: ast.Node, nulls: tuple[str, ...], positive: bool) -> frozenset[date] | None:
    if not depends_on_as_of(node):
        return frozenset()
    if isinstance(node, ast.Compare):
        if any(path.startswith(nulls) for path in ast.fields(node)):
            return frozenset()
        day = _literal_date(node.right) if is_as_of(node.left) else None
        if day is None and is_as_of(node.right):
            op, _, bound = mirror(node)
            day = _literal_date(bound)
            if day is not None:
                return frozenset({_flip_day(op, day)})
        elif day is not None:
            return frozenset({_flip_day(node.op, day)})
        if positive and _waiting_period(node):
            return frozenset()
    if isinstance(node, ast.Field):
        return ANY_DAY  # as_of itself, as a value
    # a value built of values that change only on known days changes only on those days
    found: set[date] = set()
    for child in ast.children(node):
        keeps_sign = isinstance(node, ast.Logical)
        days = _boundaries(child, nulls, positive and keeps_sign)
        if days is None:
            return ANY_DAY
        found |= days
    return frozenset(found)
