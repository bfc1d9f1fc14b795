"""payee accounts captured at filing: the account sealed, and its masked form for pages

Revision ID: b8d2e3f4a508
Revises: a7c1d2e3f407
Create Date: 2026-11-29 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8d2e3f4a508"
down_revision: str | None = "a7c1d2e3f407"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("payee_holder", 100),
    ("payee_bank", 100),
    ("payee_account_masked", 24),
    ("payee_sealed", 2000),
)


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
