"""keyed ledger records: each decision's ledger entries and an HMAC under the ledger key

``decisions`` gains ``entries`` (what the decision commits against limits, part of its hashed
content, which ``ledger_entries`` must match) and ``mac`` (an HMAC-SHA256 of that content
under ``MATCHER_LEDGER_KEY``, which the database does not hold).

Records hashed by the old, unkeyed algorithm are not carried over: the new hash covers the
entries and a MAC can only be made with the key, so re-chaining old records here would sign
whatever they hold, tampered or not. There is no production ledger yet and the demo data set
holds no decisions, so the upgrade refuses a database that has decisions (recreate a
development database: remove ``var/matcher.sqlite3``). The downgrade refuses likewise: keyed
records do not verify under the old algorithm.

Revision ID: d47120cc9522
Revises: c5d1e7a2f390
Create Date: 2026-11-27 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d47120cc9522"
down_revision: str | None = "c5d1e7a2f390"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _refuse_recorded_decisions(direction: str) -> None:
    recorded = op.get_bind().execute(sa.text("SELECT count(*) FROM decisions")).scalar_one()
    if recorded:
        raise RuntimeError(
            f"decisions holds {recorded} records hashed under the other ledger algorithm; "
            f"they cannot be carried {direction}. Recreate this database (there is no "
            "production ledger yet; in development remove var/matcher.sqlite3)."
        )


def upgrade() -> None:
    _refuse_recorded_decisions("forward")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entries", sa.JSON(), nullable=False))
        batch_op.add_column(
            sa.Column("mac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        )


def downgrade() -> None:
    _refuse_recorded_decisions("back")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("mac")
        batch_op.drop_column("entries")
