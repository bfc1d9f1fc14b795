"""worker job leases (placeholder: notices-worker fills this in, or it is removed)

Revision ID: c3e0f2a1b803
Revises: b2d0e1f0a702
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

revision: str = "c3e0f2a1b803"
down_revision: str | None = "b2d0e1f0a702"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
