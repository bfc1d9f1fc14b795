"""entitlement state: every enterprise's current entitlements, the log of their changes and
the runs that made them, the enterprises judged so far; enterprises indexed by when written

Revision ID: d0f4a5b6c710
Revises: c9e3f4a5b609
Create Date: 2026-11-30 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matcher.db import UtcDateTime

revision: str = "d0f4a5b6c710"
down_revision: str | None = "c9e3f4a5b609"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "state_policies",
        sa.Column("policy_no", sa.SmallInteger(), primary_key=True, autoincrement=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False, unique=True),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("judged_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "entitlements",
        sa.Column("policy_no", sa.SmallInteger(), primary_key=True, autoincrement=False),
        sa.Column("enterprise_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=True),
        sa.Column("eligible_from", sa.Date(), nullable=True),
    )
    op.create_index("ix_entitlements_enterprise", "entitlements", ["enterprise_id"])
    op.create_index(
        "ix_entitlements_waiting",
        "entitlements",
        ["policy_no", "eligible_from"],
        postgresql_where=sa.text("eligible_from IS NOT NULL"),
        sqlite_where=sa.text("eligible_from IS NOT NULL"),
    )
    op.create_table(
        "state_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("judged", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("notified_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "entitlement_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("policy_no", sa.SmallInteger(), nullable=False),
        sa.Column("prior_status", sa.SmallInteger(), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=True),
        sa.Column("prior_amount", sa.Numeric(18, 2), nullable=True),
        sa.Column("amount", sa.Numeric(18, 2), nullable=True),
        sa.Column("prior_eligible_from", sa.Date(), nullable=True),
        sa.Column("eligible_from", sa.Date(), nullable=True),
        sa.Column("prior_version", sa.String(length=64), nullable=True),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("newcomer", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_entitlement_changes_run", "entitlement_changes", ["run_id", "policy_no"])
    op.create_table(
        "judged_enterprises",
        sa.Column("enterprise_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("judged_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_enterprises_updated_at", "enterprises", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_enterprises_updated_at", table_name="enterprises")
    op.drop_table("judged_enterprises")
    op.drop_index("ix_entitlement_changes_run", table_name="entitlement_changes")
    op.drop_table("entitlement_changes")
    op.drop_table("state_runs")
    op.drop_index("ix_entitlements_waiting", table_name="entitlements")
    op.drop_index("ix_entitlements_enterprise", table_name="entitlements")
    op.drop_table("entitlements")
    op.drop_table("state_policies")
