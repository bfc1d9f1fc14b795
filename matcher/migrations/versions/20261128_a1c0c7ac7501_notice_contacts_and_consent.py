"""notice contacts and consent

An enterprise has any number of contacts (a mobile number or an e-mail address each), with the
topics it wants, its confirmation and its opt-out; ``notice_contact_events`` records every
change with who and when. ``notice_opt_outs`` is folded into the contacts, and each outbox
row names the contact it goes to, so that two addresses on one channel get a message each.

Assumption: the addresses on file before this revision were entered by staff and are taken as
confirmed ("confirmed by staff import"); an enterprise's opt-out of a channel becomes the
opt-out of its contact on that channel, and an opt-out of in-app messages (which need no
address, and which this revision no longer offers) is dropped.

Revision ID: a1c0c7ac7501
Revises: 9a4b1c7d2e58
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c0c7ac7501"
down_revision: str | None = "9a4b1c7d2e58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED_BY = "迁移：工作人员导入，视为已确认"
OLD_OUTBOX_KEY = "uq_notice_outbox_enterprise_id"
"""The name the naming convention below gives the unnamed (enterprise, version, kind,
channel) constraint, so that SQLite's batch mode can drop it."""
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
POSTGRES_OUTBOX_KEY = "notice_outbox_enterprise_id_policy_version_kind_channel_key"
"""The same constraint as PostgreSQL named it."""
CONTACT_FK = "fk_notice_outbox_contact_id_notice_contacts"


def _timestamp(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notice_contacts_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("wants_entitlements", sa.Boolean(), nullable=False),
        sa.Column("wants_claims", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        _timestamp("updated_at", nullable=False),
        _timestamp("confirmed_at"),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        _timestamp("secret_sent_at"),
        sa.Column("secret_failures", sa.Integer(), nullable=False),
        _timestamp("unsubscribed_at"),
        sa.Column("unsubscribed_via", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "channel", "address"),
    )
    op.create_table(
        "notice_contact_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        _timestamp("at", nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_notice_contact_events_enterprise_id", "notice_contact_events", ["enterprise_id"]
    )
    for channel, column, address in (
        ("email", "email", "email"),
        ("sms", "mobile", "'+86' || mobile"),
    ):
        op.execute(
            "INSERT INTO notice_contacts_new (enterprise_id, channel, address, wants_entitlements,"
            " wants_claims, origin, added_by, created_at, updated_by, updated_at, confirmed_at,"
            " secret_failures, unsubscribed_at, unsubscribed_via)"
            f" SELECT c.enterprise_id, '{channel}', {address}, true, true, 'import',"
            f" '{MIGRATED_BY}', c.updated_at, '{MIGRATED_BY}', c.updated_at, c.updated_at, 0,"
            " o.created_at, CASE WHEN o.created_at IS NULL THEN NULL ELSE 'staff' END"
            " FROM notice_contacts c LEFT JOIN notice_opt_outs o"
            f" ON o.enterprise_id = c.enterprise_id AND o.channel = '{channel}'"
            f" WHERE c.{column} IS NOT NULL"
        )
    op.drop_table("notice_opt_outs")
    op.drop_table("notice_contacts")
    # a new table renamed, not the old one: PostgreSQL keeps a renamed table's index names
    op.rename_table("notice_contacts_new", "notice_contacts")
    op.create_index("ix_notice_contacts_address", "notice_contacts", ["channel", "address"])
    op.create_index("ix_notice_contacts_secret_hash", "notice_contacts", ["secret_hash"])
    op.execute(
        "INSERT INTO notice_contact_events (enterprise_id, contact_id, channel, address, action,"
        " detail, actor, at) SELECT enterprise_id, id, channel, address, 'added', 'migrated',"
        f" '{MIGRATED_BY}', created_at FROM notice_contacts"
    )

    sqlite = op.get_bind().dialect.name == "sqlite"
    old_key = OLD_OUTBOX_KEY if sqlite else POSTGRES_OUTBOX_KEY
    with op.batch_alter_table("notice_outbox", naming_convention=NAMING) as batch:
        batch.drop_constraint(old_key, type_="unique")
        batch.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            CONTACT_FK, "notice_contacts", ["contact_id"], ["id"], ondelete="SET NULL"
        )
    # the rows already there name their contact, and their keys read as new ones would
    op.execute(
        "UPDATE notice_outbox SET contact_id = (SELECT c.id FROM notice_contacts c"
        " WHERE c.enterprise_id = notice_outbox.enterprise_id"
        " AND c.channel = notice_outbox.channel"
        " AND c.address = CASE WHEN notice_outbox.channel = 'sms'"
        " THEN '+86' || notice_outbox.address ELSE notice_outbox.address END)"
        " WHERE channel IN ('email', 'sms')"
    )
    op.execute(
        "UPDATE notice_outbox SET idempotency_key = idempotency_key || '.c' ||"
        " CAST(contact_id AS VARCHAR(12)) WHERE contact_id IS NOT NULL"
    )


def downgrade() -> None:
    """Back to one e-mail address and one mobile number per enterprise (the earliest
    confirmed of each) and per-channel opt-outs; other contacts, the outbox rows to them and
    the events are lost."""
    op.execute(
        "DELETE FROM notice_outbox WHERE contact_id IS NOT NULL AND id NOT IN (SELECT MIN(id)"
        " FROM notice_outbox GROUP BY enterprise_id, policy_version, kind, channel)"
    )
    op.execute(
        "UPDATE notice_outbox SET idempotency_key ="
        " SUBSTR(idempotency_key, 1, LENGTH(idempotency_key) - LENGTH(CAST(contact_id AS"
        " VARCHAR(12))) - 2) WHERE contact_id IS NOT NULL"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("notice_outbox") as batch:
        batch.drop_constraint(CONTACT_FK, type_="foreignkey")
        batch.drop_column("contact_id")
        batch.create_unique_constraint(
            OLD_OUTBOX_KEY if sqlite else POSTGRES_OUTBOX_KEY,
            ["enterprise_id", "policy_version", "kind", "channel"],
        )
    op.create_table(
        "notice_opt_outs",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("enterprise_id", "channel"),
    )
    op.rename_table("notice_contacts", "notice_contacts_new")
    op.create_table(
        "notice_contacts",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("mobile", sa.String(length=11), nullable=True),
        _timestamp("updated_at", nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("enterprise_id"),
    )
    first = (
        "(SELECT {value} FROM notice_contacts_new n WHERE n.enterprise_id = e.enterprise_id"
        " AND n.channel = '{channel}' AND n.confirmed_at IS NOT NULL ORDER BY n.id LIMIT 1)"
    )
    op.execute(
        "INSERT INTO notice_contacts (enterprise_id, email, mobile, updated_at)"
        f" SELECT e.enterprise_id, {first.format(value='address', channel='email')},"
        f" SUBSTR({first.format(value='address', channel='sms')}, 4), MAX(e.updated_at)"
        " FROM notice_contacts_new e WHERE e.confirmed_at IS NOT NULL GROUP BY e.enterprise_id"
    )
    op.execute(
        "INSERT INTO notice_opt_outs (enterprise_id, channel, created_at)"
        " SELECT enterprise_id, channel, MIN(unsubscribed_at) FROM notice_contacts_new"
        " GROUP BY enterprise_id, channel HAVING COUNT(unsubscribed_at) = COUNT(*)"
    )
    op.drop_index("ix_notice_contact_events_enterprise_id", "notice_contact_events")
    op.drop_table("notice_contact_events")
    op.drop_table("notice_contacts_new")
