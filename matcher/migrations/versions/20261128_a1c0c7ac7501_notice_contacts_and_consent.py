"""notice contacts and consent (placeholder: notices-contacts fills this in, or it is removed)

Revision ID: a1c0c7ac7501
Revises: 9a4b1c7d2e58
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

revision: str = "a1c0c7ac7501"
down_revision: str | None = "9a4b1c7d2e58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
