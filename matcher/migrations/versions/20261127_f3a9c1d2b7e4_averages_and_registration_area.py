"""averages and registration area: the 小型微利企业 headcount and assets as the year's averages
of quarterly averages (decimal), and the registration authority's area code as a fact of its
own rather than the credit code's digits

Existing rows get NULL: averages and the registration area were never recorded, and
period-end figures or the credit code's digits are not the same facts.

Revision ID: f3a9c1d2b7e4
Revises: e7e431df7388
Create Date: 2026-11-27 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3a9c1d2b7e4"
down_revision: str | None = "e7e431df7388"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("average_employees", sa.Numeric(18, 2), "从业人数（全年季度平均值）"),
    ("average_total_assets", sa.Numeric(18, 2), "资产总额（全年季度平均值，元）"),
    ("registration_area", sa.Text(), "登记机关所在地（行政区划代码）"),
)


def upgrade() -> None:
    with op.batch_alter_table("enterprises") as batch:
        for name, column_type, label in _COLUMNS:
            batch.add_column(sa.Column(name, column_type, nullable=True, comment=label))


def downgrade() -> None:
    with op.batch_alter_table("enterprises") as batch:
        for name, _, _ in reversed(_COLUMNS):
            batch.drop_column(name)
