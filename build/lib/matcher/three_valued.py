"""Kleene three-valued logic: ``True``, ``False`` and ``None`` for "unknown".

A missing fact is never read as false: a conjunction is false only when some
operand is known to be false, true only when every operand is known to be true.
"""

from collections.abc import Iterable

Truth = bool | None


def all3(values: Iterable[Truth]) -> Truth:
    """Three-valued AND over ``values``."""
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def any3(values: Iterable[Truth]) -> Truth:
    """Three-valued OR over ``values``."""
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def not3(value: Truth) -> Truth:
    """Three-valued NOT."""
    return None if value is None else not value
