"""Alembic environment: the database URL comes from the project settings (or the caller)."""

from alembic import context
from sqlmodel import SQLModel

import matcher.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from matcher.config import settings
from matcher.db import make_engine

config = context.config
url = config.attributes.get("database_url") or settings().database_url
connection = config.attributes.get("connection")


def _run(connection_) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection_,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection_.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    with make_engine(url).connect() as opened:
        _run(opened)
