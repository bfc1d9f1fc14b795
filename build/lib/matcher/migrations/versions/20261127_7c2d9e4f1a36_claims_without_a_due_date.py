"""claims without a due date: a claim under a policy that sets no time limit has none, rather
than the window's invented 20 working days

Existing due dates stay as they were; downgrading refuses while any claim lacks one.

Revision ID: 7c2d9e4f1a36
Revises: 0b8e5d6c4a21
Create Date: 2026-11-27 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c2d9e4f1a36"
down_revision: str | None = "0b8e5d6c4a21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.alter_column("due_date", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    claims = sa.table("claims", sa.column("due_date", sa.Date))
    undated = op.get_bind().execute(
        sa.select(sa.func.count()).select_from(claims).where(claims.c.due_date.is_(None))
    )
    if undated.scalar_one():
        raise RuntimeError("claims without a due date exist; give them one before downgrading")
    with op.batch_alter_table("claims") as batch:
        batch.alter_column("due_date", existing_type=sa.Date(), nullable=False)
