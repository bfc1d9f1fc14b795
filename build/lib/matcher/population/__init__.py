"""Population matching: every enterprise on record judged against the catalog inside the database.

Each policy becomes one INSERT … SELECT compiled from the same rule AST the evaluator runs
(:mod:`matcher.rules.sql`), and a run leaves an entitlement snapshot behind.
"""
