"""Whether the service may take traffic: its catalog is loaded, its database answers, and the
database carries every migration of this release. Liveness (``/api/v1/health``) asks none of
this: a process that is up but not ready is left running, not restarted."""

import logging

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from matcher.migrate import is_at_head
from matcher.policies.catalog import Catalog
from matcher.profiles.errors import FieldError

log = logging.getLogger(__name__)

CHECKS = ("catalog", "database", "migrations")


def unready(engine: Engine, catalog: Catalog) -> list[FieldError]:
    """The checks that fail, each as (check, code, message); none when ready."""
    failed = []
    if len(catalog) == 0:
        failed.append(FieldError("catalog", "catalog_empty", "政策目录为空"))
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        at_head = is_at_head(engine)
    except SQLAlchemyError:
        log.warning("readiness: database unreachable", exc_info=True)
        return [*failed, FieldError("database", "database_unreachable", "数据库无法连接")]
    if not at_head:
        failed.append(
            FieldError(
                "migrations",
                "schema_not_at_head",
                "数据库结构与本版本不一致：请运行 matcher db upgrade",
            )
        )
    return failed
