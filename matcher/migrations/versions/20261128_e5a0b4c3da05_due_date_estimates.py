"""due date estimates (placeholder: ops-deps fills it in)

Revision ID: e5a0b4c3da05
Revises: d4f0a3b2c904
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

revision: str = "e5a0b4c3da05"
down_revision: str | None = "d4f0a3b2c904"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
