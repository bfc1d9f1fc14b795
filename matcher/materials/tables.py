"""The record of each material file; the file itself is in the store under ``storage_key``."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime

FILENAME_LENGTH = 200


class ClaimMaterial(SQLModel, table=True):
    """One file handed in against one item of the claim's material list."""

    __tablename__ = "claim_materials"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    item_index: int
    """The item's place in the policy's list (from 0)."""
    item: str = Field(max_length=1000)
    """The item as the list names it, so the record reads the same when the list changes."""
    filename: str = Field(max_length=FILENAME_LENGTH)
    """As the uploader named it: shown, never used as a path."""
    content_type: str = Field(max_length=32)
    """As sniffed from the content (:mod:`matcher.materials.sniff`)."""
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=64, unique=True)
    uploaded_by: str = Field(max_length=100)
    """The actor id of who uploaded (``account:<id>``, ``token:<id>``)."""
    uploaded_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
