"""narrow entitlement snapshots: match_run_policies, policy numbers and status codes

A run's policies, with the version each was matched under, move to ``match_run_policies``
(one row per run and policy, numbered within the run); ``entitlement_snapshots`` is keyed by
(run, policy number, enterprise), stores its status as a small integer code and no longer
repeats the policy id and version on every row.

The snapshot is a derived cache, rebuilt by ``matcher match-all``: the existing snapshot rows
are dropped, not converted, both ways. Match runs and their catalogs stay, but change
detection compares only runs listed in ``match_run_policies``: the first run after upgrading
has no baseline, so its entitlements are reported as for a first match of each policy
(``published``). Downgrading likewise drops the snapshots and the per-run policy list.

Revision ID: c5d1e7a2f390
Revises: b46084579520
Create Date: 2026-11-26 17:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c5d1e7a2f390"
down_revision: str | None = "b46084579520"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_run_policies",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("policy_no", sa.SmallInteger(), nullable=False),
        sa.Column("policy_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("policy_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "policy_no"),
        sa.UniqueConstraint("run_id", "policy_id"),
    )
    # The snapshot is a cache: its rows are dropped and the table rebuilt in its new shape,
    # columns ordered so that PostgreSQL packs each row without alignment padding.
    op.drop_table("entitlement_snapshots")
    op.create_table(
        "entitlement_snapshots",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("policy_no", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("eligible_from", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "policy_no", "enterprise_id"),
    )


def downgrade() -> None:
    # The snapshot rows are dropped here too; `matcher match-all` writes them again.
    op.drop_table("entitlement_snapshots")
    op.create_table(
        "entitlement_snapshots",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("eligible_from", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "policy_id", "enterprise_id"),
    )
    op.drop_table("match_run_policies")
