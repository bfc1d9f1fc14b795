"""Imports every table module, so that ``SQLModel.metadata`` knows the whole schema."""

from matcher.auth import tables as auth_tables
from matcher.enterprises import tables as enterprise_tables
from matcher.materials import tables as material_tables
from matcher.no_application import tables as no_application_tables
from matcher.notices import tables as notice_tables
from matcher.payouts import tables as payout_tables
from matcher.policies import tables as policy_tables
from matcher.population import tables as population_tables

__all__ = [
    "auth_tables",
    "enterprise_tables",
    "material_tables",
    "no_application_tables",
    "notice_tables",
    "payout_tables",
    "policy_tables",
    "population_tables",
]
