"""The policy window (兑现专窗): claims, verification, decisions and the tamper-evident ledger."""
