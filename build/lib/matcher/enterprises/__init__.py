"""Enterprises on record: their profile facts with provenance, and the people behind them."""
