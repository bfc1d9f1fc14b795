"""notice read state and claim notices

The outbox also holds claim notices (no match run, a claim instead), an event key that tells
apart messages the other columns cannot (an amount changed twice under one version, each
decision on a claim), and when an in-app message was read; an index serves the in-app pages.

Revision ID: b2d0e1f0a702
Revises: a1c0c7ac7501
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2d0e1f0a702"
down_revision: str | None = "a1c0c7ac7501"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIM_FK = "fk_notice_outbox_claim_id_claims"


def upgrade() -> None:
    with op.batch_alter_table("notice_outbox", schema=None) as batch_op:
        batch_op.alter_column("run_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=16), type_=sa.String(length=32)
        )
        batch_op.alter_column(
            "idempotency_key", existing_type=sa.String(length=120), type_=sa.String(length=200)
        )
        batch_op.add_column(sa.Column("claim_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("event_key", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(CLAIM_FK, "claims", ["claim_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index("ix_notice_outbox_inbox", ["enterprise_id", "channel", "id"])


def downgrade() -> None:
    op.execute("DELETE FROM notice_outbox WHERE run_id IS NULL")  # claim notices have no run
    with op.batch_alter_table("notice_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_outbox_inbox")
        batch_op.drop_constraint(CLAIM_FK, type_="foreignkey")
        batch_op.drop_column("read_at")
        batch_op.drop_column("event_key")
        batch_op.drop_column("claim_id")
        batch_op.alter_column(
            "idempotency_key", existing_type=sa.String(length=200), type_=sa.String(length=120)
        )
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=32), type_=sa.String(length=16)
        )
        batch_op.alter_column("run_id", existing_type=sa.Integer(), nullable=False)
