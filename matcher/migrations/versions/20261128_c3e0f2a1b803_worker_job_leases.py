"""worker job leases: ``job_runs`` holds one row per scheduled job and day, so that two
workers never run the nightly job twice; the outbox keeps an SMS's template and values

Revision ID: c3e0f2a1b803
Revises: b2d0e1f0a702
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e0f2a1b803"
down_revision: str | None = "b2d0e1f0a702"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job", "day"),
    )
    with op.batch_alter_table("notice_outbox") as batch:
        batch.add_column(sa.Column("sms_template", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice_outbox") as batch:
        batch.drop_column("sms_template")
    op.drop_table("job_runs")
