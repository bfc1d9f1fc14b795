"""Published policy versions: every version ever published, keyed by its content hash.

A version is never changed in place; a changed policy file is a new version. ``valid_from`` is
the first day a version governs claims: the policy's own start date for its first version, the
later of that and the publication date for each later one.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime


class PolicyVersion(SQLModel, table=True):
    __tablename__ = "policy_versions"
    __table_args__ = (Index("ix_policy_versions_policy_valid", "policy_id", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: str = Field(max_length=100)
    version: str = Field(max_length=64, unique=True)
    content: Any = Field(sa_type=JSON)
    declared_facts: Any = Field(default=None, sa_type=JSON)
    """The catalog's declared facts when the version was published, which it compiles against."""
    valid_from: date
    published_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
