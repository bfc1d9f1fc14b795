"""A due date that reaches into a year whose holidays are unpublished is an estimate, counted
again once the year is known; the migration gives existing claims the days to count."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

import matcher.cli
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import settings
from matcher.db import session_scope
from matcher.demo import DEMO_PAYEE
from matcher.migrate import alembic_config
from matcher.payouts import service
from matcher.payouts.due_date_estimates import recompute_due_dates
from matcher.payouts.holidays import load_holidays
from matcher.payouts.tables import Claim
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.payouts.conftest import any_policy_claimable
from tests.payouts.holiday_files import YEAR_2098, YEAR_2099, write_holidays

STAFF = Principal(Role.STAFF, None, "王芳", "account:1")
THREE_DAYS = "market-entity-simplified-deregistration"
"""In force from 2022 on, done in 3 working days."""
TWO_DAYS = "simplified-deregistration"
"""The 2020 plan's, done in 2 working days."""
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
"""The log lines every command writes to standard error."""


@pytest.fixture
def holidays_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``MATCHER_HOLIDAYS_FILE``: this test's file, knowing 2098 but not 2099."""
    path = write_holidays(tmp_path, YEAR_2098)
    monkeypatch.setenv("MATCHER_HOLIDAYS_FILE", str(path))
    settings.cache_clear()
    yield path
    settings.cache_clear()


def _file(window: Api, policy_id: str, uscc: str, filed_on: date) -> int:
    """A claim filed through the service on ``filed_on``."""
    with (
        session_scope(window.engine) as session,
        patch.object(service, "claim_date_for", return_value=filed_on),
        any_policy_claimable(),
    ):
        claim = service.file_claim(session, uscc, policy_id, {}, None, STAFF, payee=DEMO_PAYEE)
        assert claim.id is not None
        return claim.id


def _due(window: Api, claim_id: int) -> tuple[date | None, bool, int | None]:
    with session_scope(window.engine) as session:
        claim = session.get(Claim, claim_id)
        assert claim is not None
        return claim.due_date, claim.due_date_estimated, claim.processing_days


def test_a_claim_into_an_unpublished_year_is_estimated_until_the_year_is_known(
    window: Api, holidays_file: Path, tmp_path: Path
) -> None:
    late = _file(window, THREE_DAYS, ENTERPRISE_USCC, date(2098, 12, 30))
    known = _file(window, TWO_DAYS, OTHER_USCC, date(2020, 9, 29))
    # 31 December, then 1 and 2 January 2099 counted as weekdays.
    assert _due(window, late) == (date(2099, 1, 2), True, 3)
    assert _due(window, known) == (date(2020, 10, 9), False, 2), "Saturday 10 October worked"

    with session_scope(window.engine) as session:
        unchanged = recompute_due_dates(session, load_holidays(holidays_file))
    assert [(r.claim_id, r.was, r.now.day, r.now.estimated) for r in unchanged] == [
        (late, date(2099, 1, 2), date(2099, 1, 2), True)
    ]

    (tmp_path / "later").mkdir()
    published = load_holidays(write_holidays(tmp_path / "later", YEAR_2098, YEAR_2099))
    with session_scope(window.engine) as session:
        exact = recompute_due_dates(session, published)
    assert [(r.claim_id, r.now.day, r.now.estimated) for r in exact] == [
        (late, date(2099, 1, 5), False)  # 1–3 January off, Sunday 4 January worked
    ]
    assert _due(window, late) == (date(2099, 1, 5), False, 3)
    assert _due(window, known) == (date(2020, 10, 9), False, 2)
    with session_scope(window.engine) as session:
        assert recompute_due_dates(session, published) == []


def _recompute(window: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(matcher.cli, "database_or_exit", lambda: window.engine)
    return CliRunner().invoke(matcher.cli.app, ["claims", "recompute-due-dates"])


def test_the_command_recomputes_with_the_configured_file(
    window: Api, holidays_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = _file(window, THREE_DAYS, ENTERPRISE_USCC, date(2098, 12, 30))
    still = _recompute(window, monkeypatch)
    assert still.exit_code == 0, still.output
    assert still.stdout.splitlines() == [
        f"申请 #{late}：2099-01-02（预计）→ 2099-01-02（预计）",
        "预计的办理期限 1 项：0 项已按公布的节假日安排确定，1 项所涉年份的安排仍未公布",
    ]
    write_holidays(holidays_file.parent, YEAR_2098, YEAR_2099)
    done = _recompute(window, monkeypatch)
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        f"申请 #{late}：2099-01-02（预计）→ 2099-01-05",
        "预计的办理期限 1 项：1 项已按公布的节假日安排确定，0 项所涉年份的安排仍未公布",
    ]


def test_the_command_refuses_a_bad_file_and_changes_nothing(
    window: Api, holidays_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = _file(window, THREE_DAYS, ENTERPRISE_USCC, date(2098, 12, 30))
    wrong = YEAR_2099.replace("{day: 2099-01-04", "{day: 2099-01-03")
    write_holidays(holidays_file.parent, YEAR_2098, wrong)
    refused = _recompute(window, monkeypatch)
    assert refused.exit_code == 1
    assert [line for line in refused.stderr.splitlines() if not LOG_LINE.match(line)] == [
        f"{holidays_file}:17: years.1.workdays.0.day: 2099-01-03 既是放假日又是调休上班日",
        "节假日数据有误：1 处错误，未重新计算",
    ]
    assert _due(window, late) == (date(2099, 1, 2), True, 3)


@pytest.fixture
def before_the_migration(tmp_path: Path) -> Iterator[sa.Engine]:
    """A SQLite database at the revision before, with claims dated as it dated them."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config()
    insert = sa.text(
        "INSERT INTO claims (id, enterprise_id, uscc, policy_id, claim_date, facts, status, "
        "due_date, due_date_estimated, filed_by, filed_at) VALUES "
        "(:id, 1, 'u', 'p', :filed, '{}', 'PENDING', :due, :estimated, 'x', '2026-01-01')"
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "d4f0a3b2c904")
        for claim_id, filed, due, estimated in (
            (1, date(2020, 9, 29), date(2020, 10, 9), False),  # National Day counted
            (2, date(2026, 12, 24), date(2027, 1, 7), True),  # 2027 counted Monday to Friday
            (3, date(2026, 12, 24), None, False),  # no time limit
        ):
            values = {"id": claim_id, "filed": filed, "due": due, "estimated": estimated}
            connection.execute(insert, values)
    yield engine
    engine.dispose()


def test_the_migration_counts_the_days_of_existing_due_dates(
    before_the_migration: sa.Engine,
) -> None:
    config = alembic_config()
    with before_the_migration.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "e5a0b4c3da05")
        days = connection.execute(sa.text("SELECT id, processing_days FROM claims ORDER BY id"))
        assert days.all() == [(1, 2), (2, 10), (3, None)]
