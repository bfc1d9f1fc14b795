"""notice read state and claim notices (placeholder: notices-content fills it in)

Revision ID: b2d0e1f0a702
Revises: a1c0c7ac7501
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

revision: str = "b2d0e1f0a702"
down_revision: str | None = "a1c0c7ac7501"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
