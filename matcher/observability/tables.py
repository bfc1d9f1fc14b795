"""Records of the operations an operator runs, for the metrics to report on."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime


class LedgerVerification(SQLModel, table=True):
    """One run of ``matcher ledger verify`` that found the ledger intact."""

    __tablename__ = "ledger_verifications"

    id: int | None = Field(default=None, primary_key=True)
    verified_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    records: int = Field(ge=0)
    """Decision records checked."""
