"""Eligibility: the entitlement list of one enterprise on one date."""
