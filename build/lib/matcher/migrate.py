"""Bring a database to the latest schema with Alembic.

The migrations travel inside the package (``matcher/migrations``), so an installed wheel
migrates without the checkout's ``alembic.ini``; that file only serves ``alembic revision``
in development.
"""

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from matcher.config import PACKAGE_ROOT

MIGRATIONS_DIR = PACKAGE_ROOT / "migrations"


def alembic_config() -> Config:
    """Alembic's configuration for the packaged migrations, with no file behind it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration to ``engine``'s database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_at_head(engine: Engine) -> bool:
    """Whether ``engine``'s database carries every migration of this release."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


class SchemaBehind(RuntimeError):
    """The database lacks migrations of this release, and this process may not apply them."""


def prepare_schema(engine: Engine, environment: str) -> None:
    """Migrate a development or test database on the way; in production only check.

    In production the service's database role needs no DDL rights: ``matcher db upgrade``
    is the explicit step an operator runs with a role that has them.
    """
    if environment != "production":
        upgrade(engine)
    else:
        require_head(engine)


def require_head(engine: Engine) -> None:
    if not is_at_head(engine):
        raise SchemaBehind("数据库结构不是最新：请先运行 matcher db upgrade")
