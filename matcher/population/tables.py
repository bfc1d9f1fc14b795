"""Population runs and the entitlement snapshot each run writes.

The snapshot keeps the entitlements worth telling an enterprise about: eligible and
undetermined ones, and not-eligible ones that time alone will make eligible (with
``eligible_from``), each with its amount. A policy of a finished run with no row for an
enterprise found it not eligible: plain refusals are most pairs of a population, and writing
them would be most of a run's time and space.

The key is (run, policy, enterprise): a run writes one policy at a time in enterprise order,
so rows arrive in key order and the index grows at its end. There is no foreign key to the
run: PostgreSQL checks one row at a time, which more than doubled the time to write a
snapshot, and only the matcher writes these rows, after the run's own.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlmodel import Field, SQLModel

from matcher.clock import now


class MatchRun(SQLModel, table=True):
    """One run of the population matcher; unfinished while ``finished_at`` is empty."""

    __tablename__ = "match_runs"

    id: int | None = Field(default=None, primary_key=True)
    as_of: date
    started_at: datetime = Field(default_factory=now, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    enterprises: int = Field(ge=0)
    catalog: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    """Per policy matched: id, title, version (content hash) and the counts by status."""


class EntitlementSnapshot(SQLModel, table=True):
    """One enterprise's entitlement under one policy version, as a run found it."""

    __tablename__ = "entitlement_snapshots"

    run_id: int = Field(primary_key=True)
    policy_id: str = Field(primary_key=True, max_length=64)
    enterprise_id: int = Field(primary_key=True)
    policy_version: str = Field(max_length=64)
    status: str = Field(max_length=16)
    amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    eligible_from: date | None = None
