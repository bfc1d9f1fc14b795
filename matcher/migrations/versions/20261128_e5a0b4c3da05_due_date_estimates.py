"""due date estimates: each claim keeps its processing days, so an estimated due date can be
counted again once its year's holidays are published

The days of existing claims are counted back from their dates as the due dates were counted:
with chinese-calendar's data, and for an estimated date Monday to Friday in the due date's
year (the year whose arrangement was not yet published when the claim was filed).

Revision ID: e5a0b4c3da05
Revises: d4f0a3b2c904
Create Date: 2026-11-28 00:00:00.000000
"""

from collections.abc import Sequence
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from alembic import op

revision: str = "e5a0b4c3da05"
down_revision: str | None = "d4f0a3b2c904"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("processing_days", sa.Integer(), nullable=True))
    claims = sa.table(
        "claims",
        sa.column("id", sa.Integer),
        sa.column("claim_date", sa.Date),
        sa.column("due_date", sa.Date),
        sa.column("due_date_estimated", sa.Boolean),
        sa.column("processing_days", sa.Integer),
    )
    connection = op.get_bind()
    dated = connection.execute(
        sa.select(
            claims.c.id, claims.c.claim_date, claims.c.due_date, claims.c.due_date_estimated
        ).where(claims.c.due_date.is_not(None))
    ).all()
    for claim_id, claim_date, due_date, estimated in dated:
        days = _working_days(claim_date, due_date, due_date.year if estimated else None)
        connection.execute(
            claims.update().where(claims.c.id == claim_id).values(processing_days=days)
        )


def _working_days(start: date, end: date, estimated_year: int | None) -> int:
    """The working days after ``start`` up to ``end``, as the due date counted them."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += _is_workday(day, estimated_year)
    return count


def _is_workday(day: date, estimated_year: int | None) -> bool:
    if day.year != estimated_year:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            pass
    return day.weekday() < 5


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("processing_days")
