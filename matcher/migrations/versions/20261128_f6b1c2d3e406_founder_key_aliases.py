"""founder key aliases: a founder's pseudonym under a retired founder key (as ledger entries
hold it) and the same founder's pseudonym now, written by ``matcher founders rekey``

Revision ID: f6b1c2d3e406
Revises: e5a0b4c3da05
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f6b1c2d3e406"
down_revision: str | None = "e5a0b4c3da05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "founder_key_aliases",
        sa.Column("retired", sa.String(length=64), nullable=False),
        sa.Column("current", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("retired"),
    )
    op.create_index("ix_founder_key_aliases_current", "founder_key_aliases", ["current"])


def downgrade() -> None:
    op.drop_index("ix_founder_key_aliases_current", table_name="founder_key_aliases")
    op.drop_table("founder_key_aliases")
