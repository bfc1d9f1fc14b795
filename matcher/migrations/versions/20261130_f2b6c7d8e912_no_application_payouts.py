"""免申即享 payable lists

A payable list of one 免申即享 policy version on one day, with its 公示 period
(``payable_lists``); its entries, each an enterprise with the amount and the evidence of every
criterion, or why it claims the ordinary way, the account it confirmed (sealed) and the claim
the list filed for it once approved (``payable_entries``).

Revision ID: f2b6c7d8e912
Revises: e1a5b6c7d811
Create Date: 2026-11-30 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2b6c7d8e912"
down_revision: str | None = "e1a5b6c7d811"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payable_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=100), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("DRAFT", "PUBLIC_NOTICE", "APPROVED", name="liststatus"),
            nullable=False,
        ),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notice_from", sa.Date(), nullable=True),
        sa.Column("notice_until", sa.Date(), nullable=True),
        sa.Column("notice_basis", sa.String(length=500), nullable=True),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payable_lists_policy_id", "payable_lists", ["policy_id"])
    op.create_table(
        "payable_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("excluded_reason", sa.String(length=1000), nullable=True),
        sa.Column("payee_holder", sa.String(length=100), nullable=True),
        sa.Column("payee_bank", sa.String(length=100), nullable=True),
        sa.Column("payee_account_masked", sa.String(length=24), nullable=True),
        sa.Column("payee_sealed", sa.String(length=2000), nullable=True),
        sa.Column("payee_confirmed_by", sa.String(length=100), nullable=True),
        sa.Column("payee_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["list_id"], ["payable_lists.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"]),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_id", "enterprise_id"),
        sa.UniqueConstraint("claim_id"),
    )
    op.create_index("ix_payable_entries_list_id", "payable_entries", ["list_id"])
    op.create_index("ix_payable_entries_enterprise_id", "payable_entries", ["enterprise_id"])
    op.create_index("ix_payable_entries_uscc", "payable_entries", ["uscc"])


def downgrade() -> None:
    """Refused once a list has paid: its claims' approvals are records the ledger never drops."""
    paid = op.get_bind().execute(
        sa.text("SELECT count(*) FROM payable_entries WHERE claim_id IS NOT NULL")
    )
    if paid.scalar_one():
        raise RuntimeError("payable lists have paid claims: cannot downgrade")
    op.drop_table("payable_entries")
    op.drop_table("payable_lists")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE IF EXISTS liststatus")
