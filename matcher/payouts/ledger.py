"""Verify the ledger whole, as a database writer might have left it.

The decisions are the ledger: their hash chain and MACs say they are as the window wrote them.
Everything else the window reads about money is checked against them: each decision's ledger
entries (what the limits sum), each claim's status (what decides whether it may be decided
again), each approved claim's payee account (the one its approval's fingerprint names), and
the signed checkpoints of the head kept outside the database (what a rewound or
re-chained ledger cannot match). The finance export and new checkpoints run only on a ledger
that verifies.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from matcher import clock
from matcher.config import settings
from matcher.errors import DomainError
from matcher.payouts import checkpoints
from matcher.payouts.chain import Commitment, commitments_of, seal, verify_chain
from matcher.payouts.checkpoints import Checkpoint
from matcher.payouts.payee_seal import PayeeUnreadable, sealed_fingerprint
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import (
    CLAIM_STATUS_LABELS,
    DECISION_LABELS,
    STATUS_AFTER,
    ClaimStatus,
    Decision,
    DecisionKind,
    LedgerEntry,
    LedgerVerification,
)


@dataclass(frozen=True, slots=True)
class Problem:
    sequence: int | None
    """The decision record the problem concerns, when it concerns one."""
    reason: str

    def __str__(self) -> str:
        return self.reason if self.sequence is None else f"第 {self.sequence} 条：{self.reason}"


@dataclass(frozen=True, slots=True)
class LedgerReport:
    records: int
    """Records whose hash and MAC verify, from the first on."""
    head_hash: str
    checkpoints: int
    """Checkpoints the ledger was compared with."""
    standing_approvals: tuple[Decision, ...]
    """Approvals not reversed, in sequence order: what finance is to pay."""
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


class LedgerInvalid(DomainError):
    """The ledger does not verify; ``report`` says where."""

    def __init__(self, report: LedgerReport, refused: str) -> None:
        first, more = report.problems[0], len(report.problems) - 1
        also = f"（另有 {more} 处问题）" if more else ""
        super().__init__(
            "ledger_invalid", f"账本核验未通过，{refused}：{first}{also}。请联系系统管理员核查。"
        )
        self.report = report


def verify_ledger(session: Session) -> LedgerReport:
    """Check the whole ledger. The head is taken first, so no decision is written meanwhile.
    A ledger found intact is recorded as verified (``ledger_verifications``, for the metrics)
    with the caller's commit."""
    repository = PayoutRepository(session)
    head = repository.lock_head()
    decisions = repository.decisions()
    key = settings().ledger_key
    chain = verify_chain(decisions, head.sequence, head.last_hash, key)
    problems = [] if chain.reason is None else [Problem(chain.broken_at, chain.reason)]
    problems += _entry_problems(decisions[: chain.checked], repository.entries())
    standing = _standing_approvals(decisions)
    problems += _status_problems(decisions, standing, repository.claim_statuses())
    sealed = repository.sealed_payees({decision.claim_id for decision in standing})
    problems += _payee_problems(standing, sealed, key)
    marks = list(checkpoints.read(settings().ledger_checkpoints))
    problems += _checkpoint_problems(marks, decisions, key)
    if not problems:
        session.add(LedgerVerification(records=chain.checked))
    return LedgerReport(chain.checked, head.last_hash, len(marks), tuple(standing), tuple(problems))


def intact_ledger(session: Session, refused: str) -> LedgerReport:
    """The report of a ledger that verifies; :class:`LedgerInvalid` names what is ``refused``
    (such as 不能导出) when it does not."""
    report = verify_ledger(session)
    if not report.intact:
        raise LedgerInvalid(report, refused)
    return report


def write_checkpoint(session: Session) -> Checkpoint:
    """Sign the head of a ledger that verifies and append it to the checkpoint file."""
    report = intact_ledger(session, "不写入检查点")
    moment = clock.now().replace(microsecond=0)
    checkpoint = checkpoints.sign(report.records, report.head_hash, moment, settings().ledger_key)
    checkpoints.append(settings().ledger_checkpoints, checkpoint)
    return checkpoint


def limit_problems(session: Session, policy_id: str) -> list[Problem]:
    """Whether what the limits of ``policy_id`` sum (its ``ledger_entries``) is exactly what its
    decisions commit, each decision's own hash and MAC checked: the limits a verification
    reads must be the chain's, between whole-ledger verifications too.

    Costs one pass over the policy's decisions per transaction: once they are found intact, a
    later call in the same transaction checks only the decisions written since (a batch
    approval's own), so approving a list of N entries is not N passes. What the check guards
    against, rows changed behind the window's back, is caught for rows changed before the
    transaction; the whole-ledger verification catches the rest."""
    repository = PayoutRepository(session)
    checked = _limits_checked(session)
    since = checked.get(policy_id)
    decisions = repository.decisions_of_policy(policy_id, after=since or 0)
    key = settings().ledger_key
    problems = [
        Problem(d.sequence, "记录的签名不符（已被改动）")
        for d in decisions
        if seal(d, d.prev_hash, key) != (d.hash, d.mac)
    ]
    if since is None:
        rows = repository.entries(policy_id)
    else:
        rows = repository.entries_of([d.id for d in decisions if d.id is not None])
    problems += _entry_problems(decisions, rows)
    if not problems:
        checked[policy_id] = decisions[-1].sequence if decisions else since or 0
    return problems


LIMITS_CHECKED = "matcher.limits_checked"
"""The key of ``Session.info`` under which :func:`limit_problems` keeps, for the transaction it
ran in, the sequence up to which each policy's decisions were found intact."""


def _limits_checked(session: Session) -> dict[str, int]:
    """The sequences :func:`limit_problems` checked each policy up to in the session's current
    transaction (empty in a new one)."""
    session.connection()  # begins the transaction, if the check is the first to read
    transaction = session.get_transaction()
    kept = session.info.get(LIMITS_CHECKED)
    if kept is None or kept[0] is not transaction:
        kept = session.info[LIMITS_CHECKED] = (transaction, {})
    checked: dict[str, int] = kept[1]
    return checked


def _entry_problems(decisions: Sequence[Decision], rows: Sequence[LedgerEntry]) -> list[Problem]:
    """Each decision whose ``ledger_entries`` rows are not exactly its recorded commitments."""
    stored: defaultdict[int, Counter[Commitment]] = defaultdict(Counter)
    for row in rows:
        stored[row.decision_id][Commitment.of_entry(row)] += 1
    problems = []
    for decision in decisions:
        recorded = Counter(commitments_of(decision))
        found = stored[decision.id or 0]
        if found != recorded:
            missing, extra = recorded - found, found - recorded
            parts = [f"缺少 {_listed(missing)}"] if missing else []
            parts += [f"多出 {_listed(extra)}"] if extra else []
            problems.append(Problem(decision.sequence, "限额账目与记录不符：" + "；".join(parts)))
    return problems


def _listed(commitments: Counter[Commitment]) -> str:
    return "、".join(str(commitment) for commitment in commitments.elements())


def _standing_approvals(decisions: Iterable[Decision]) -> list[Decision]:
    standing: dict[int | None, Decision] = {}
    for decision in decisions:
        if decision.kind is DecisionKind.APPROVE:
            standing[decision.id] = decision
        elif decision.kind is DecisionKind.REVERSAL:
            standing.pop(decision.reverses, None)
    return list(standing.values())


def _status_problems(
    decisions: Sequence[Decision],
    standing: Sequence[Decision],
    statuses: dict[int, ClaimStatus],
) -> list[Problem]:
    """Each claim whose status is not what its latest decision made it, and each claim with
    more than one standing approval."""
    latest = {decision.claim_id: decision for decision in decisions}
    problems = []
    for claim_id, status in statuses.items():
        last = latest.get(claim_id)
        expected = ClaimStatus.PENDING if last is None else STATUS_AFTER[last.kind]
        if status is not expected:
            recorded = "没有决定" if last is None else f"最后一项决定是{DECISION_LABELS[last.kind]}"
            problems.append(
                Problem(
                    None if last is None else last.sequence,
                    f"申请 #{claim_id} 的状态是{CLAIM_STATUS_LABELS[status]}，"
                    f"但记录中它{recorded}（应为{CLAIM_STATUS_LABELS[expected]}）",
                )
            )
    approvals: defaultdict[int, list[Decision]] = defaultdict(list)
    for decision in standing:
        approvals[decision.claim_id].append(decision)
    for claim_id, twice in approvals.items():
        if len(twice) > 1:
            problems.append(
                Problem(twice[1].sequence, f"申请 #{claim_id} 有 {len(twice)} 项未冲正的批准")
            )
    return problems


def _payee_problems(
    standing: Sequence[Decision], sealed: dict[int, str | None], key: str
) -> list[Problem]:
    """Each standing approval whose claim no longer holds the account it approved (the
    fingerprint in its snapshot): changed, swapped for another claim's, or not opening."""
    problems = []
    for decision in standing:
        try:
            found = sealed_fingerprint(sealed.get(decision.claim_id), key)
        except PayeeUnreadable:
            reason = f"申请 #{decision.claim_id} 的收款账户无法解密（已被改动）"
            problems.append(Problem(decision.sequence, reason))
            continue
        if found != decision.snapshot.get("payee"):
            reason = f"申请 #{decision.claim_id} 的收款账户与批准时不符（批准后被改动）"
            problems.append(Problem(decision.sequence, reason))
    return problems


def _checkpoint_problems(
    marks: Sequence[tuple[int, Checkpoint | None]], decisions: Sequence[Decision], key: str
) -> list[Problem]:
    """Each checkpoint the ledger no longer reaches (rewound) or disagrees with (re-chained),
    and each line of the file that is not a checkpoint signed with the ledger key."""
    hashes = {decision.sequence: decision.hash for decision in decisions}
    problems = []
    for line, mark in marks:
        if mark is None or not mark.signed_by(key):
            problems.append(Problem(None, f"检查点文件第 {line} 行格式或签名无效"))
        elif mark.sequence and mark.sequence not in hashes:
            problems.append(
                Problem(
                    mark.sequence,
                    f"记录缺失：账本被回退（{_when(mark)} 的检查点已有第 {mark.sequence} 条，"
                    f"数据库中的账本只到第 {max(hashes, default=0)} 条）",
                )
            )
        elif mark.sequence and hashes[mark.sequence] != mark.hash:
            problems.append(
                Problem(mark.sequence, f"哈希与 {_when(mark)} 的检查点不符：账本被重新计算过")
            )
    return problems


def _when(mark: Checkpoint) -> str:
    return f"{mark.time.astimezone(clock.CHINA):%Y-%m-%d %H:%M}"
