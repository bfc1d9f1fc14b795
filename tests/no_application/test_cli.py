from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.cli import app
from matcher.config import settings
from matcher.db import default_engine, session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.migrate import upgrade
from matcher.no_application.tables import PayableList
from matcher.policies.versions import publish
from matcher.profiles.parse import parse_profile
from tests.no_application.conftest import CODES, TODAY
from tests.no_application.policy_files import POLICY_ID, catalog_dir, write_catalog
from tests.payouts.conftest import enterprise

runner = CliRunner()


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    """The CLI's own database, with the 免申即享 test policy published, a staff account and
    the registry's enterprises."""
    monkeypatch.setenv("MATCHER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("MATCHER_POLICIES_DIR", str(catalog_dir(tmp_path / "policies")))
    settings.cache_clear()
    default_engine.cache_clear()
    engine = default_engine()
    upgrade(engine)
    catalog = write_catalog(tmp_path / "loaded")
    with session_scope(engine) as session:
        publish(session, catalog, TODAY)
        create_account(session, "wang", "一二三四五六七八", Role.STAFF, "王科员")
        for code in CODES:
            profile = parse_profile(enterprise(code), catalog.facts)
            EnterpriseRepository(session).save(profile, "registration", "test")
    yield engine
    default_engine.cache_clear()
    settings.cache_clear()


def test_propose_publish_and_approve_from_the_command_line(database: Engine) -> None:
    proposed = runner.invoke(app, ["no-application", "propose", POLICY_ID, "--by", "wang"])
    assert proposed.exit_code == 0, proposed.output
    assert CODES[0] in proposed.stdout and "待确认收款账户" in proposed.stdout
    with session_scope(database) as session:
        assert session.get(PayableList, 1) is not None
    published = runner.invoke(app, ["no-application", "publish", "1", "--by", "wang"])
    assert published.exit_code == 0, published.output
    until = TODAY + timedelta(days=6)
    assert f"名单 #1 公示中：{TODAY} 至 {until}" in published.stdout
    early = runner.invoke(app, ["no-application", "approve", "1", "--by", "wang"])
    assert early.exit_code == 1
    assert f"公示期至 {until} 结束" in early.stderr
    unknown = runner.invoke(app, ["no-application", "approve", "1", "--by", "nobody"])
    assert unknown.exit_code == 2
    assert "没有可用的工作人员账号：nobody" in unknown.stderr
