"""Calendar expressions the two databases spell differently: a moment's day in China and the
month (``YYYY-MM``) of a day. China keeps UTC+8 all year, so a fixed offset is exact."""

from typing import Any

from sqlalchemy import Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class china_day(FunctionElement[Any]):
    """The day in China of a UTC moment (a ``UtcDateTime`` column)."""

    type = Date()
    inherit_cache = True


@compiles(china_day)
def _china_day(element: china_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai' AS DATE)"


@compiles(china_day, "sqlite")
def _china_day_sqlite(element: china_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


class month_of_day(FunctionElement[Any]):
    """``YYYY-MM`` of a date."""

    type = String()
    inherit_cache = True


@compiles(month_of_day)
def _month(element: month_of_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(month_of_day, "sqlite")
def _month_sqlite(element: month_of_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"
