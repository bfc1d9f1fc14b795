"""Imports every table module, so that ``SQLModel.metadata`` knows the whole schema."""

from matcher.auth import tables as auth_tables
from matcher.enterprises import tables as enterprise_tables

__all__ = ["auth_tables", "enterprise_tables"]
