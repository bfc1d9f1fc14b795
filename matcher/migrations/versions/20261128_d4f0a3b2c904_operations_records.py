"""operations records (placeholder: ops-observe fills it in)

Revision ID: d4f0a3b2c904
Revises: c3e0f2a1b803
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

revision: str = "d4f0a3b2c904"
down_revision: str | None = "c3e0f2a1b803"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
