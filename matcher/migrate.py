"""Bring a database to the latest schema with Alembic."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from matcher.config import REPO_ROOT


def upgrade(engine: Engine) -> None:
    """Apply every pending migration to ``engine``'s database."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
