"""claim materials and 补正

Each file an enterprise hands in against an item of its policy's material list
(``claim_materials``; the file itself is kept in the materials store under the row's key);
on ``claims`` the 补正期限 of an open materials request and the day of the latest
resubmission, from which the time limit counts; and the ledger's new record kind,
``resubmit``.

Revision ID: a7c1d2e3f407
Revises: f6b1c2d3e406
Create Date: 2026-11-29 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c1d2e3f407"
down_revision: str | None = "f6b1c2d3e406"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE decisionkind ADD VALUE IF NOT EXISTS 'RESUBMIT'")
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("respond_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("restarted_on", sa.Date(), nullable=True))
    op.create_table(
        "claim_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=1000), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("storage_key"),
    )
    op.create_index("ix_claim_materials_claim_id", "claim_materials", ["claim_id"])


def downgrade() -> None:
    """The files stay in the store; a resubmission record, which the ledger never drops,
    refuses the downgrade (PostgreSQL cannot drop an enum value; an unused one is harmless)."""
    resubmissions = op.get_bind().execute(
        sa.text("SELECT count(*) FROM decisions WHERE kind = 'RESUBMIT'")
    )
    if resubmissions.scalar_one():
        raise RuntimeError("the ledger holds resubmission records: cannot downgrade")
    op.drop_index("ix_claim_materials_claim_id", table_name="claim_materials")
    op.drop_table("claim_materials")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("restarted_on")
        batch.drop_column("respond_by")
