"""Population runs and the entitlement snapshot each run writes.

The snapshot keeps the entitlements worth telling an enterprise about: eligible and
undetermined ones, and not-eligible ones that time alone will make eligible (with
``eligible_from``), each with its amount. A policy of a finished run with no row for an
enterprise found it not eligible: plain refusals are most pairs of a population, and writing
them would be most of a run's time and space.

The key is (run, policy number, enterprise): a run writes one policy at a time in enterprise
order, so rows arrive in key order and the index grows at its end. Which policy, under which
version, a number stands for in a run is in ``match_run_policies``, once per run and policy:
a snapshot row holds only small fixed-width values (the status too is a code, see
:data:`STATUS_CODES`), which makes writing millions of them markedly cheaper. There is no
foreign key to the run: PostgreSQL checks one row at a time, which more than doubled the time
to write a snapshot, and only the matcher writes these rows, after the run's own.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, SmallInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.eligibility.results import Status

STATUS_CODES: dict[Status, int] = {
    Status.NOT_ELIGIBLE: 0,
    Status.ELIGIBLE: 1,
    Status.UNDETERMINED: 2,
}
"""How ``entitlement_snapshots.status`` stores each status."""
STATUSES: dict[int, Status] = {code: status for status, code in STATUS_CODES.items()}


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


class MatchRunPolicy(SQLModel, table=True):
    """One policy a run matched: the number its snapshot rows carry, and under which version."""

    __tablename__ = "match_run_policies"
    __table_args__ = (UniqueConstraint("run_id", "policy_id"),)

    run_id: int = Field(primary_key=True)
    policy_no: int = Field(primary_key=True, sa_type=SmallInteger)
    policy_id: str = Field(max_length=64)
    policy_version: str = Field(max_length=64)


class EntitlementSnapshot(SQLModel, table=True):
    """One enterprise's entitlement under one policy of a run (see :class:`MatchRunPolicy`)."""

    __tablename__ = "entitlement_snapshots"

    run_id: int = Field(primary_key=True)
    policy_no: int = Field(primary_key=True, sa_type=SmallInteger)
    enterprise_id: int = Field(primary_key=True)
    status: int = Field(sa_type=SmallInteger)
    """A code of :data:`STATUS_CODES`."""
    amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    eligible_from: date | None = None
