"""account session epoch: signing out moves it on, and every session signed in under an
earlier epoch is refused, so a copied cookie is worth nothing after sign-out

Sessions signed in before this migration carry no epoch and end at their next request.

Revision ID: 9a4b1c7d2e58
Revises: 7c2d9e4f1a36
Create Date: 2026-11-27 18:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4b1c7d2e58"
down_revision: str | None = "7c2d9e4f1a36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("session_epoch")
