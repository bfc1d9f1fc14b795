"""The decision log as a hash chain: each record's hash covers its content and the previous hash,
so changing, removing or reordering any record breaks every hash after it."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from matcher.clock import as_utc
from matcher.payouts.tables import Decision

GENESIS = "0" * 64


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def record_hash(decision: Decision, prev_hash: str) -> str:
    """The SHA-256 of the decision's canonical content and ``prev_hash``."""
    content: dict[str, Any] = {
        "sequence": decision.sequence,
        "claim_id": decision.claim_id,
        "kind": str(decision.kind),
        "amount": _amount(decision.amount),
        "reason": decision.reason,
        "reverses": decision.reverses,
        "policy_id": decision.policy_id,
        "policy_version": decision.policy_version,
        "snapshot": decision.snapshot,
        "trace": decision.trace,
        "decided_by": decision.decided_by,
        "decided_at": as_utc(decision.decided_at).isoformat(),
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    broken_at: int | None
    """The sequence number of the first record that does not verify."""
    reason: str | None


def verify_chain(decisions: Iterable[Decision], head_sequence: int, head_hash: str) -> ChainReport:
    """Check every record in sequence order, then that the head points at the last one."""
    prev_hash, expected_sequence, checked = GENESIS, 1, 0
    for decision in decisions:
        if decision.sequence != expected_sequence:
            return ChainReport(checked, expected_sequence, f"缺少第 {expected_sequence} 条记录")
        if decision.prev_hash != prev_hash:
            return ChainReport(checked, decision.sequence, "前一条记录的哈希不符")
        if record_hash(decision, prev_hash) != decision.hash:
            return ChainReport(checked, decision.sequence, "记录内容与其哈希不符（已被改动）")
        prev_hash, expected_sequence, checked = decision.hash, expected_sequence + 1, checked + 1
    if head_sequence != checked or head_hash != prev_hash:
        return ChainReport(checked, checked + 1, "链尾记录缺失（账本头与最后一条记录不符）")
    return ChainReport(checked, None, None)
