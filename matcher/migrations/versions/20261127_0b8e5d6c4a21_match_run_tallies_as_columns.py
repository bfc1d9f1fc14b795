"""match run tallies as columns: each run's counts by status and eligible amount move from a
JSON list on ``match_runs.catalog`` into typed columns of ``match_run_policies``, where the
policy's version is already kept once

Upgrading copies the counts of every run listed in ``match_run_policies``; a run from before
that table kept no per-policy rows, and its tallies go with the column. Downgrading rebuilds
the JSON list from the columns (without the policy titles, which were never the run's).

Revision ID: 0b8e5d6c4a21
Revises: f3a9c1d2b7e4
Create Date: 2026-11-27 17:50:00.000000
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0b8e5d6c4a21"
down_revision: str | None = "f3a9c1d2b7e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = ("eligible", "undetermined", "not_eligible", "waiting")

runs = sa.table("match_runs", sa.column("id", sa.Integer), sa.column("catalog", sa.JSON))
policies = sa.table(
    "match_run_policies",
    sa.column("run_id", sa.Integer),
    sa.column("policy_no", sa.SmallInteger),
    sa.column("policy_id", sa.String),
    sa.column("policy_version", sa.String),
    *(sa.column(name, sa.Integer) for name in _COUNTS),
    sa.column("eligible_amount", sa.Numeric(18, 2)),
)


def upgrade() -> None:
    with op.batch_alter_table("match_run_policies") as batch:
        for name in _COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("eligible_amount", sa.Numeric(18, 2), nullable=False, server_default="0")
        )
    connection = op.get_bind()
    for run_id, catalog in connection.execute(sa.select(runs.c.id, runs.c.catalog)):
        for tally in catalog or ():
            connection.execute(
                policies.update()
                .where(policies.c.run_id == run_id, policies.c.policy_id == tally["policy_id"])
                .values(
                    **{name: int(tally.get(name, 0)) for name in _COUNTS},
                    eligible_amount=Decimal(str(tally.get("eligible_amount", 0))),
                )
            )
    with op.batch_alter_table("match_runs") as batch:
        batch.drop_column("catalog")


def downgrade() -> None:
    with op.batch_alter_table("match_runs") as batch:
        batch.add_column(sa.Column("catalog", sa.JSON(), nullable=True))
    connection = op.get_bind()
    catalogs: dict[int, list[dict[str, object]]] = {}
    ordered = sa.select(policies).order_by(policies.c.run_id, policies.c.policy_no)
    for row in connection.execute(ordered).mappings():
        catalogs.setdefault(row["run_id"], []).append(
            {
                "policy_id": row["policy_id"],
                "version": row["policy_version"],
                **{name: row[name] for name in _COUNTS},
                "eligible_amount": str(row["eligible_amount"]),
            }
        )
    for run_id, catalog in catalogs.items():
        connection.execute(runs.update().where(runs.c.id == run_id).values(catalog=catalog))
    with op.batch_alter_table("match_run_policies") as batch:
        for name in ("eligible_amount", *reversed(_COUNTS)):
            batch.drop_column(name)
