from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel


def test_migrations_create_exactly_the_declared_schema(engine: Engine) -> None:
    inspector = inspect(engine)
    tables = set(inspector.get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)
    for name, table in SQLModel.metadata.tables.items():
        columns = {c["name"] for c in inspector.get_columns(name)}
        assert columns == {c.name for c in table.columns}, name
