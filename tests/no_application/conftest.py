from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import Catalog
from matcher.policies.versions import publish
from matcher.profiles.parse import parse_profile
from tests.no_application.policy_files import write_catalog
from tests.payouts.conftest import enterprise

TODAY = clock.today()
STAFF = Principal(Role.STAFF, None, "工作人员", "account:1")
CODES = ("91419001MA4000000C", "91419001MA4000001F")
"""Two enterprises of 济源 whose facts all came from the registry."""


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return write_catalog(tmp_path / "policies")


Save = Callable[..., None]


@pytest.fixture
def save(engine: Engine, catalog: Catalog) -> Save:
    """Record an enterprise's facts (``enterprise``'s, with ``facts``) from ``source``."""

    def record(uscc: str, source: str = "registration", **facts: Any) -> None:
        with session_scope(engine) as session:
            profile = parse_profile(enterprise(uscc, **facts), catalog.facts)
            EnterpriseRepository(session).save(profile, source, "test")

    return record


@pytest.fixture
def registry(engine: Engine, catalog: Catalog, save: Save) -> Engine:
    """The catalog published and :data:`CODES` on record from the registry."""
    with session_scope(engine) as session:
        publish(session, catalog, TODAY)
    for code in CODES:
        save(code)
    return engine
