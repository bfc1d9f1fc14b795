"""The decision log as a hash chain: each record's hash covers its content, its ledger entries
and the previous hash, so changing, removing or reordering any record breaks every hash after
it. Each record also carries an HMAC-SHA256 of the same content under the ledger key, which the
database does not hold: a writer who recomputes the hashes with the public algorithm cannot
recompute the MACs."""

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from matcher.clock import as_utc
from matcher.eligibility.evaluate import FEN
from matcher.payouts.tables import Decision, LedgerEntry

GENESIS = "0" * 64


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


@dataclass(frozen=True, slots=True, order=True)
class Commitment:
    """One ledger entry of a decision: an amount and a count against one limit bucket
    (negative for a reversal)."""

    policy_id: str
    bucket: str
    amount: Decimal
    count: int

    def to_json(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "bucket": self.bucket,
            "amount": _amount(self.amount),
            "count": self.count,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Commitment":
        return cls(data["policy_id"], data["bucket"], Decimal(data["amount"]), int(data["count"]))

    @classmethod
    def of_entry(cls, entry: LedgerEntry) -> "Commitment":
        return cls(entry.policy_id, entry.bucket, Decimal(entry.amount).quantize(FEN), entry.count)

    def released(self) -> "Commitment":
        """What a reversal writes to undo this commitment."""
        return Commitment(self.policy_id, self.bucket, -self.amount, -self.count)

    def entry(self, decision_id: int) -> LedgerEntry:
        return LedgerEntry(
            decision_id=decision_id,
            policy_id=self.policy_id,
            bucket=self.bucket,
            amount=self.amount,
            count=self.count,
        )

    def __str__(self) -> str:
        return f"{self.bucket}（{self.amount:.2f} 元，{self.count} 次）"


def commitments_of(decision: Decision) -> list[Commitment]:
    return [Commitment.from_json(item) for item in decision.entries]


def _canonical(decision: Decision, prev_hash: str) -> bytes:
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
        "entries": decision.entries,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return canonical.encode("utf-8")


def content_hash(decision: Decision, prev_hash: str) -> str:
    """The public algorithm: the SHA-256 of the decision's canonical content and ``prev_hash``."""
    return hashlib.sha256(_canonical(decision, prev_hash)).hexdigest()


def mac(key: str, message: bytes) -> str:
    """HMAC-SHA256 of ``message`` under the ledger key."""
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def seal(decision: Decision, prev_hash: str, key: str) -> tuple[str, str]:
    """The record's hash and its MAC under ``key``, both over the same canonical content."""
    canonical = _canonical(decision, prev_hash)
    return hashlib.sha256(canonical).hexdigest(), mac(key, canonical)


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    broken_at: int | None
    """The sequence number of the first record that does not verify."""
    reason: str | None


def verify_chain(
    decisions: Sequence[Decision], head_sequence: int, head_hash: str, key: str
) -> ChainReport:
    """Check every record in sequence order, then that the head points at the last one."""
    prev_hash, expected_sequence, checked = GENESIS, 1, 0
    for decision in decisions:
        if decision.sequence != expected_sequence:
            return ChainReport(checked, expected_sequence, f"缺少第 {expected_sequence} 条记录")
        if decision.prev_hash != prev_hash:
            return ChainReport(checked, decision.sequence, "前一条记录的哈希不符")
        record_hash, record_mac = seal(decision, prev_hash, key)
        if record_hash != decision.hash:
            return ChainReport(checked, decision.sequence, "记录内容与其哈希不符（已被改动）")
        if not hmac.compare_digest(record_mac, decision.mac):
            reason = "记录的签名不符（已被改动，或未用账本密钥重新计算过哈希链）"
            return ChainReport(checked, decision.sequence, reason)
        prev_hash, expected_sequence, checked = decision.hash, expected_sequence + 1, checked + 1
    if head_sequence != checked or head_hash != prev_hash:
        return ChainReport(checked, checked + 1, "链尾记录缺失（账本头与最后一条记录不符）")
    return ChainReport(checked, None, None)
