"""enterprise versions: ``enterprises.version``, moved on by every write of an enterprise's facts
(profile and founders), so a cached answer computed from those facts is keyed by it

Revision ID: e1a5b6c7d811
Revises: d0f4a5b6c710
Create Date: 2026-11-30 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e1a5b6c7d811"
down_revision: str | None = "d0f4a5b6c710"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.add_column(
            sa.Column(
                "version",
                sa.Integer(),
                nullable=False,
                server_default="1",
                comment="每次写入企业信息（含创办人）加一",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.drop_column("version")
