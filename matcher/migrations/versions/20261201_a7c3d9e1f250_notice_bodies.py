"""notice bodies: a notice shape's texts stored once

``notice_bodies`` holds the texts of every notice of one shape with a placeholder for the
enterprise's name; ``notice_outbox.body_id`` points a notice at them.

Revision ID: a7c3d9e1f250
Revises: f2b6c7d8e912
Create Date: 2026-12-01 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c3d9e1f250"
down_revision: str | None = "f2b6c7d8e912"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("sms_template", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("notice_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_notice_outbox_body_id_notice_bodies", "notice_bodies", ["body_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("notice_outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notice_outbox_body_id_notice_bodies", type_="foreignkey")
        batch_op.drop_column("body_id")
    op.drop_table("notice_bodies")
