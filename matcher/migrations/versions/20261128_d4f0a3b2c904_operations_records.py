"""operations records: ``ledger_verifications`` holds each run of ``matcher ledger verify``
that found the ledger intact (when, how many records), for ``/metrics`` to report

Revision ID: d4f0a3b2c904
Revises: c3e0f2a1b803
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4f0a3b2c904"
down_revision: str | None = "c3e0f2a1b803"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("ledger_verifications")
