"""Move every founder's pseudonym to a new founder key: ``matcher founders rekey``.

A founder is known only by the pseudonym of the ID number under ``MATCHER_FOUNDER_KEY``
(:mod:`matcher.enterprises.pseudonyms`), kept on the enterprise's record (``founders``), in its
fact history (``fact_records``), in claims' facts (the key of the once-per-founder limits) and
in the ledger. Re-keying opens each pseudonym with the old key and seals the same digest under
the new one, all in one transaction, taken after the ledger head (no decision is written
meanwhile) and only on a ledger that verifies. A pseudonym the old key does not open means
the key is wrong (or some rows were written under yet another key): then nothing changes.

The ledger is not rewritten. Its records are chained and signed under the ledger key, and their
limit entries name each founder by the pseudonym of the day they were decided; rewriting them
would re-chain history, and keeping retired keys alive to recompute old pseudonyms would keep
the key one means to retire. Re-keying records instead, for each founder pseudonym the ledger
holds, the pseudonym the same founder has now (``founder_key_aliases``, kept current by later
re-keyings). A founder limit sums the entries under both, so a founder paid before the
re-keying is still refused after it. The mapping links pseudonyms to pseudonyms: it tells no
ID number to anyone without the key.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from matcher.enterprises.pseudonyms import WrongKey, reseal
from matcher.enterprises.tables import FactRecord, Founder
from matcher.errors import DomainError
from matcher.payouts.founder_keys import ID_HASH_SUFFIX
from matcher.payouts.ledger import intact_ledger
from matcher.payouts.tables import Claim, FounderKeyAlias, LedgerEntry

FOUNDERS_FIELD = "founders"
"""The fact history's name for the list of founders."""


@dataclass(frozen=True, slots=True)
class RekeyReport:
    founders: int
    """Founders on record whose pseudonym was re-keyed."""
    history: int
    """Fact records of founders re-keyed."""
    claims: int
    """Claims whose founder facts were re-keyed."""
    ledger: int
    """Founder pseudonyms of the ledger mapped to the new ones (the ledger itself unchanged)."""


def _claim_keys(facts: dict[str, Any]) -> list[str]:
    return [v for k, v in facts.items() if k.endswith(ID_HASH_SUFFIX) and isinstance(v, str)]


def _ledger_pseudonyms(session: Session) -> set[str]:
    """The founder pseudonyms the ledger's limit entries name (``<x>_id_hash=<pseudonym>``)."""
    buckets = session.exec(select(LedgerEntry.bucket).distinct()).all()
    named = (bucket.partition("=") for bucket in buckets)
    return {value for name, _, value in named if name.endswith(ID_HASH_SUFFIX)}


def rekey_founders(session: Session, old_key: str, new_key: str) -> RekeyReport:
    """Re-key every stored founder pseudonym from ``old_key`` to ``new_key``; refused whole
    (``same_founder_key``, ``wrong_founder_key``, ``ledger_invalid``) with nothing changed."""
    if old_key == new_key:
        raise DomainError("same_founder_key", "新旧创业者密钥相同，无需重新生成")
    intact_ledger(session, "不重新生成创业者标识")
    founders = session.exec(select(Founder).where(col(Founder.id_hash).is_not(None))).all()
    history = session.exec(select(FactRecord).where(FactRecord.field == FOUNDERS_FIELD)).all()
    claims = [c for c in session.exec(select(Claim)).all() if _claim_keys(c.facts)]
    aliases = session.exec(select(FounderKeyAlias)).all()
    unmapped = _ledger_pseudonyms(session) - {alias.retired for alias in aliases}

    stored = {f.id_hash for f in founders if f.id_hash is not None} | unmapped
    stored |= {f["id_hash"] for r in history for f in r.value or [] if f.get("id_hash")}
    stored |= {key for claim in claims for key in _claim_keys(claim.facts)}
    stored |= {alias.current for alias in aliases}
    renamed, foreign = {}, 0
    for pseudonym in stored:
        try:
            renamed[pseudonym] = reseal(pseudonym, old_key, new_key)
        except WrongKey:
            foreign += 1
    if foreign:
        raise DomainError(
            "wrong_founder_key",
            f"旧密钥不正确：{foreign} 个创业者标识不是用它生成的，未做任何改动",
        )

    for founder in founders:
        founder.id_hash = renamed[founder.id_hash or ""]
    for record in history:
        record.value = [
            {**f, "id_hash": renamed[f["id_hash"]]} if f.get("id_hash") else f
            for f in record.value or []
        ]
    for claim in claims:
        claim.facts = {
            k: renamed[v] if k.endswith(ID_HASH_SUFFIX) and isinstance(v, str) else v
            for k, v in claim.facts.items()
        }
    for alias in aliases:
        alias.current = renamed[alias.current]
    session.add_all([*founders, *history, *claims, *aliases])
    session.add_all(FounderKeyAlias(retired=p, current=renamed[p]) for p in unmapped)
    session.flush()
    return RekeyReport(len(founders), len(history), len(claims), len(unmapped))
