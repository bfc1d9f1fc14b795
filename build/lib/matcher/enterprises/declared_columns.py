"""Declared facts as typed SQL over the ``enterprises.declared_facts`` JSON column.

The column holds each known declared fact as JSON: ``true``/``false``, an integer, or text for
money and decimals (exact), dates (``YYYY-MM-DD``), enumerations and free text. SQLAlchemy's
JSON element access extracts a value with a type on SQLite and PostgreSQL alike, so the SQL
back end of the rules reads ``enterprise.<declared>`` as it reads a column; a fact that is
absent is NULL, the rules' unknown.
"""

from typing import Any

from sqlalchemy import ColumnElement, Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from matcher.enterprises.tables import enterprises
from matcher.profiles.declared import MAX_DIGITS, FactDeclaration


class _IsoDate(FunctionElement[Any]):
    """ISO text as a date: PostgreSQL casts it; SQLite keeps dates as that very text, and a
    CAST there would read the year as a number."""

    type = Date()
    inherit_cache = True


@compiles(_IsoDate)
def _iso_date(element: _IsoDate, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(_IsoDate, "sqlite")
def _iso_date_sqlite(element: _IsoDate, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def declared_fact_sql(name: str, fact: FactDeclaration) -> ColumnElement[Any]:
    """The declared fact ``name`` of each enterprise, typed as ``fact`` declares it."""
    value = enterprises.c.declared_facts[name]
    typed: ColumnElement[Any]
    if fact.type == "bool":
        typed = value.as_boolean()
    elif fact.type == "int":
        typed = value.as_integer()
    elif fact.type in ("decimal", "money"):
        typed = value.as_numeric(MAX_DIGITS, fact.scale)
    elif fact.type == "date":
        typed = _IsoDate(value.as_string())
    else:
        typed = value.as_string()
    return typed
