"""The migration from one e-mail address and one mobile number per enterprise to contacts with
consent, on each database, with rows in the old tables; and back."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, text

from matcher.db import scratch_database
from matcher.migrate import alembic_config
from tests.conftest import POSTGRES_URL

BEFORE, THIS = "9a4b1c7d2e58", "a1c0c7ac7501"
MIGRATED_BY = "迁移：工作人员导入，视为已确认"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database at the revision before contacts, holding two enterprises' old contacts,
    an opt-out and an outbox row."""
    try:
        with scratch_database(request.param, POSTGRES_URL) as url:
            engine = sa.create_engine(url)
            _migrate(engine, BEFORE)
            with engine.begin() as connection:
                for statement in (
                    "INSERT INTO enterprises (id, uscc, name, created_at, updated_at) VALUES"
                    " (1, '91419001MA4000000C', '甲', '2026-01-01', '2026-01-01'),"
                    " (2, '91110000600037341L', '乙', '2026-01-01', '2026-01-01')",
                    "INSERT INTO notice_contacts (enterprise_id, email, mobile, updated_at) VALUES"
                    " (1, 'a@example.com', '13900000001', '2026-01-02'),"
                    " (2, NULL, '13900000002', '2026-01-02')",
                    "INSERT INTO notice_opt_outs (enterprise_id, channel, created_at) VALUES"
                    " (1, 'sms', '2026-01-03'), (2, 'in_app', '2026-01-03')",
                    "INSERT INTO notice_outbox (enterprise_id, run_id, policy_id, policy_version,"
                    " kind, channel, address, idempotency_key, status, attempts, created_at)"
                    " VALUES (1, 1, 'p', 'v', 'entitled', 'email', 'a@example.com',"
                    " '1.v.entitled.email', 'sent', 1, '2026-01-04'),"
                    " (1, 1, 'p', 'v', 'entitled', 'in_app', NULL,"
                    " '1.v.entitled.in_app', 'sent', 1, '2026-01-04')",
                ):
                    connection.execute(text(statement))
            yield engine
            engine.dispose()
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL unreachable: {error}")


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _rows(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def test_old_contacts_become_confirmed_contacts_with_their_opt_outs(old_database: Engine) -> None:
    _migrate(old_database, THIS)
    contacts = _rows(
        old_database,
        "SELECT enterprise_id, channel, address, origin, added_by, confirmed_at IS NOT NULL,"
        " unsubscribed_via FROM notice_contacts ORDER BY enterprise_id, channel",
    )
    assert contacts == [
        (1, "email", "a@example.com", "import", MIGRATED_BY, True, None),
        (1, "sms", "+8613900000001", "import", MIGRATED_BY, True, "staff"),
        (2, "sms", "+8613900000002", "import", MIGRATED_BY, True, None),
    ]
    assert _rows(old_database, "SELECT count(*) FROM notice_contact_events") == [(3,)]
    (email_id,) = _rows(old_database, "SELECT id FROM notice_contacts WHERE channel = 'email'")[0]
    assert _rows(
        old_database, "SELECT channel, contact_id, idempotency_key FROM notice_outbox ORDER BY id"
    ) == [
        ("email", email_id, f"1.v.entitled.email.c{email_id}"),
        ("in_app", None, "1.v.entitled.in_app"),
    ]
    tables = set(sa.inspect(old_database).get_table_names())
    assert "notice_opt_outs" not in tables


def test_the_downgrade_restores_one_address_per_channel(old_database: Engine) -> None:
    _migrate(old_database, THIS)
    _migrate(old_database, BEFORE, down=True)
    assert _rows(
        old_database, "SELECT enterprise_id, email, mobile FROM notice_contacts ORDER BY 1"
    ) == [(1, "a@example.com", "13900000001"), (2, None, "13900000002")]
    assert _rows(old_database, "SELECT enterprise_id, channel FROM notice_opt_outs") == [(1, "sms")]
    assert _rows(old_database, "SELECT idempotency_key FROM notice_outbox ORDER BY id") == [
        ("1.v.entitled.email",),
        ("1.v.entitled.in_app",),
    ]
