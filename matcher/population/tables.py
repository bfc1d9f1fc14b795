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
:data:`matcher.population.verdict.STATUS_CODES`), which makes writing millions of them
markedly cheaper. There is no foreign key to the run: PostgreSQL checks one row at a time,
which more than doubled the time to write a snapshot, and only the matcher writes these rows,
after the run's own.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, SmallInteger, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime


class MatchRun(SQLModel, table=True):
    """One run of the population matcher; unfinished while ``finished_at`` is empty."""

    __tablename__ = "match_runs"

    id: int | None = Field(default=None, primary_key=True)
    as_of: date
    started_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    enterprises: int = Field(ge=0)


class MatchRunPolicy(SQLModel, table=True):
    """One policy a run matched: the number its snapshot rows carry, and under which version."""

    __tablename__ = "match_run_policies"
    __table_args__ = (UniqueConstraint("run_id", "policy_id"),)

    run_id: int = Field(primary_key=True)
    policy_no: int = Field(primary_key=True, sa_type=SmallInteger)
    policy_id: str = Field(max_length=64)
    policy_version: str = Field(max_length=64)
    eligible: int = Field(default=0, ge=0)
    undetermined: int = Field(default=0, ge=0)
    not_eligible: int = Field(default=0, ge=0)
    waiting: int = Field(default=0, ge=0)
    """Not eligible yet, but eligible from a known date."""
    eligible_amount: Decimal = Field(default=Decimal(0), max_digits=18, decimal_places=2)
    """What the eligible enterprises are owed together, in yuan."""


class EntitlementSnapshot(SQLModel, table=True):
    """One enterprise's entitlement under one policy of a run (see :class:`MatchRunPolicy`)."""

    __tablename__ = "entitlement_snapshots"

    run_id: int = Field(primary_key=True)
    policy_no: int = Field(primary_key=True, sa_type=SmallInteger)
    enterprise_id: int = Field(primary_key=True)
    status: int = Field(sa_type=SmallInteger)
    """A code of :data:`matcher.population.verdict.STATUS_CODES`."""
    amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    eligible_from: date | None = None


class StatePolicy(SQLModel, table=True):
    """A policy the entitlement state holds: the number its rows carry, the version they were
    judged under, and the day they were last brought up to."""

    __tablename__ = "state_policies"

    policy_no: int = Field(primary_key=True, sa_type=SmallInteger)
    policy_id: str = Field(max_length=64, unique=True)
    policy_version: str = Field(max_length=64)
    judged_on: date


class Entitlement(SQLModel, table=True):
    """An enterprise's current entitlement under one policy of the state: the rows a snapshot
    would keep (eligible, undetermined, waiting for ``eligible_from``); no row is not
    eligible."""

    __tablename__ = "entitlements"
    __table_args__ = (
        Index("ix_entitlements_enterprise", "enterprise_id"),
        Index(
            "ix_entitlements_waiting",  # each policy's waits that end by a day
            "policy_no",
            "eligible_from",
            postgresql_where=text("eligible_from IS NOT NULL"),
            sqlite_where=text("eligible_from IS NOT NULL"),
        ),
    )

    policy_no: int = Field(primary_key=True, sa_type=SmallInteger)
    enterprise_id: int = Field(primary_key=True)
    status: int = Field(sa_type=SmallInteger)
    """A code of :data:`matcher.population.verdict.STATUS_CODES`."""
    amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    eligible_from: date | None = None


class StateRun(SQLModel, table=True):
    """One bringing up to date of the state: for changed facts, by night, or a full match."""

    __tablename__ = "state_runs"

    id: int | None = Field(default=None, primary_key=True)
    cause: str = Field(max_length=16)
    """``facts`` (an enterprise's facts were written), ``nightly`` or ``match`` (a full run)."""
    as_of: date
    started_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    judged: int = Field(default=0, ge=0)
    """(enterprise, policy) pairs judged."""
    changed: int = Field(default=0, ge=0)
    notified_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    """When its changes were enqueued as notices."""


class EntitlementChange(SQLModel, table=True):
    """One change of the state, before and after: what notices are made of.

    ``status`` empty: the enterprise no longer holds the entitlement (not eligible, or the
    policy left force). ``newcomer``: the enterprise was never judged before; ``published``:
    the policy was never in the state before.
    """

    __tablename__ = "entitlement_changes"
    __table_args__ = (Index("ix_entitlement_changes_run", "run_id", "policy_no"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int
    enterprise_id: int
    policy_no: int = Field(sa_type=SmallInteger)
    prior_status: int | None = Field(default=None, sa_type=SmallInteger)
    status: int | None = Field(default=None, sa_type=SmallInteger)
    prior_amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=2)
    prior_eligible_from: date | None = None
    eligible_from: date | None = None
    prior_version: str | None = Field(default=None, max_length=64)
    policy_version: str = Field(max_length=64)
    newcomer: bool = False
    published: bool = False


class JudgedEnterprise(SQLModel, table=True):
    """An enterprise the state has judged at least once (so its next notice is not its first)
    since the latest run that judged every enterprise on record: those on record before that
    run began need no row."""

    __tablename__ = "judged_enterprises"

    enterprise_id: int = Field(primary_key=True)
    judged_on: date
