"""The uptake dashboard (政策兑现情况): how far entitlements travel from eligible to approved.

A pair is one enterprise under one policy. Its stages, each read from the table that records
it: eligible (:mod:`~matcher.uptake.eligible`), notified (an entitlement notice for it was
sent), claimed (a claim was filed), approved (the claim stands approved in the ledger). There
is no paid (已拨付) stage: the ledger records no disbursement yet. Every figure is computed in
the database, grouped; Python only names and draws the groups.
"""
