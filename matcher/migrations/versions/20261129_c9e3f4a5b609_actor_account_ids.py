"""who acted and why: tokens bound to accounts (an account's API tokens act as the account and
end when it is disabled; records name who acted by account or token id from here on), and a
fact record's note (staff's basis for a correction)

Revision ID: c9e3f4a5b609
Revises: b8d2e3f4a508
Create Date: 2026-11-29 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c9e3f4a5b609"
down_revision: str | None = "b8d2e3f4a508"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fact_records") as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_api_tokens_account_id_accounts", "accounts", ["account_id"], ["id"]
        )
        batch_op.create_index("ix_api_tokens_account_id", ["account_id"])


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_index("ix_api_tokens_account_id")
        batch_op.drop_constraint("fk_api_tokens_account_id_accounts", type_="foreignkey")
        batch_op.drop_column("account_id")
    with op.batch_alter_table("fact_records") as batch_op:
        batch_op.drop_column("note")
