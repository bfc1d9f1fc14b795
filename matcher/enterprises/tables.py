"""The enterprise tables.

``enterprises`` has one typed column per profile fact and per derived fact, generated from the
same schema the rule language checks expressions against, so the SQL back end of the rules can
address ``enterprise.<fact>`` as ``enterprises.c.<fact>``. Derived facts depend on the profile
alone, so they are computed when a profile is written and stored beside it. The facts a catalog
declares in its fact files live in one JSON column, ``declared_facts`` (JSONB on PostgreSQL), which
the SQL back end reads with typed extraction (:mod:`matcher.enterprises.declared_columns`).

``fact_records`` is the append-only history of every fact with its provenance: the current row
answers "what do we know", the history answers "what did we know on that date".

``enterprises.version`` moves on with every write of an enterprise's facts, its founders
included (:meth:`matcher.enterprises.repository.EnterpriseRepository.save` is the one writer),
so an answer computed from them can be cached under it (:mod:`matcher.eligibility.answers`).
"""

from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import JSON, Boolean, Column, Date, Integer, Numeric, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime
from matcher.profiles.derived import derived_facts
from matcher.profiles.schema import profile_facts
from matcher.rules import types as rt

FactSource = Literal["registration", "tax", "self_declared", "staff_confirmed", "inferred"]
FACT_SOURCE_LABELS = {
    "registration": "登记注册信息",
    "tax": "税务数据",
    "self_declared": "企业自行申报",
    "staff_confirmed": "工作人员核实",
    "inferred": "系统推断",
}

_SQL_TYPES: dict[rt.Kind, Any] = {
    rt.Kind.BOOL: Boolean,
    rt.Kind.INT: Integer,
    rt.Kind.DECIMAL: lambda: Numeric(18, 2),
    rt.Kind.DATE: Date,
}


def sql_type(fact_type: rt.Type) -> TypeEngine[Any]:
    """The column type that holds a fact of ``fact_type`` without loss."""
    if fact_type.kind is rt.Kind.TEXT:
        return String(32) if fact_type.values else Text()
    column_type: TypeEngine[Any] = _SQL_TYPES[fact_type.kind]()
    return column_type


def _fact_columns() -> list[Column[Any]]:
    columns = []
    for spec in [*profile_facts(), *derived_facts()]:
        name = spec.path.removeprefix("enterprise.")
        if name == "uscc":
            columns.append(Column(name, String(18), nullable=False, unique=True))
        elif name == "name":
            columns.append(Column(name, String(200), nullable=False))
        else:
            columns.append(Column(name, sql_type(spec.type), nullable=True, comment=spec.label))
    return columns


enterprises = Table(
    "enterprises",
    SQLModel.metadata,
    Column("id", Integer, primary_key=True),
    *_fact_columns(),
    Column(
        "declared_facts",
        JSON().with_variant(JSONB(), "postgresql"),
        nullable=True,
        comment="政策目录声明的其他信息",
    ),
    Column("created_at", UtcDateTime, nullable=False, default=now),
    Column("updated_at", UtcDateTime, nullable=False, default=now, onupdate=now, index=True),
    Column(
        "version",
        Integer,
        nullable=False,
        server_default="1",
        comment="每次写入企业信息（含创办人）加一",
    ),
)


class Founder(SQLModel, table=True):
    """A person behind an enterprise, known only by the keyed hash of the ID number."""

    __tablename__ = "founders"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", index=True, ondelete="CASCADE")
    id_hash: str | None = Field(default=None, max_length=64, index=True)
    first_time_founder: bool | None = None


class RecordedFact(Protocol):
    """What a fact record says, whether read as a :class:`FactRecord` or as a plain row of its
    table (many at once, without building an ORM object each)."""

    @property
    def field(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def source(self) -> str: ...
    @property
    def recorded_at(self) -> datetime: ...


class FactRecord(SQLModel, table=True):
    """One fact as recorded at one moment, with where it came from. ``field`` is a profile
    field, or ``facts.<name>`` for a declared fact; a ``None`` value records that it was cleared."""

    __tablename__ = "fact_records"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprises.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=64)
    value: Any = Field(default=None, sa_type=JSON)
    source: str = Field(max_length=20)
    recorded_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    recorded_by: str = Field(max_length=100)
    note: str | None = Field(default=None, sa_type=Text)
    """Why this value: staff's basis for a correction (凭营业执照核验)."""
