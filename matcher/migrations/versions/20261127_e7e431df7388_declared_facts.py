"""declared facts: enterprises.declared_facts and policy_versions.declared_facts

The facts a catalog declares in its fact files (``matcher/catalog/facts.yaml``) are stored per
enterprise in one JSON column, JSONB on PostgreSQL, which the population matcher reads with
typed extraction. A published policy version keeps the declarations it was compiled against,
so it compiles again the same way when a claim is verified under it. Both columns are new and
empty (NULL: no declared fact); nothing is converted either way.

Revision ID: e7e431df7388
Revises: d47120cc9522
Create Date: 2026-11-27 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e7e431df7388"
down_revision: str | None = "d47120cc9522"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "declared_facts",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=True,
                comment="政策目录声明的其他信息",
            )
        )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declared_facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_column("declared_facts")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_column("declared_facts")
