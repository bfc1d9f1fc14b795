"""Propose a payable list and publish it for its 公示."""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal
from matcher.config import settings
from matcher.enterprises.repository import EnterpriseRepository
from matcher.errors import Conflict, DomainError, NotFound
from matcher.no_application.evidence import assess
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import LIST_STATUS_LABELS, ListStatus, PayableEntry, PayableList
from matcher.notices.listings import Listed, PublishedList, list_published
from matcher.payouts.tables import CLAIM_STATUS_LABELS, Claim
from matcher.policies.compile import CompiledPolicy
from matcher.policies.versions import version_in_force

ENTRIES_A_WRITE = 1000
"""Entries written in one bulk INSERT while the history streams in: a list's memory stays
bounded whatever the population."""


def no_application_policy(session: Session, policy_id: str, day: date) -> CompiledPolicy:
    """The 免申即享 version of ``policy_id`` in force on ``day``."""
    policy = version_in_force(session, policy_id, day)
    if policy is None:
        raise DomainError("policy_not_in_force", f"政策 {policy_id} 在 {day} 未生效或不存在")
    if not policy.policy.no_application:
        raise DomainError("not_no_application", f"“{policy.policy.title}”不是免申即享政策")
    return policy


def propose(session: Session, policy_id: str, as_of: date, actor: Principal) -> PayableList:
    """The payable list of ``policy_id`` on ``as_of``: every enterprise eligible on the facts
    recorded by then, with its amount and evidence, or why it claims the ordinary way."""
    policy = no_application_policy(session, policy_id, as_of)
    repository = PayableRepository(session)
    payable = PayableList(
        policy_id=policy_id, policy_version=policy.version, as_of=as_of, proposed_by=actor.actor_id
    )
    session.add(payable)
    session.flush()
    named = {enterprise_id: (uscc, name) for enterprise_id, uscc, name in repository.enterprises()}
    claims = repository.standing_claims(policy_id)
    entries: list[dict[str, Any]] = []
    recorded = EnterpriseRepository(session).records_before(clock.end_of_day(as_of))
    for enterprise_id, records in recorded:
        uscc, name = named[enterprise_id]
        assessment = assess(policy, uscc, name, records, as_of)
        if assessment is None:
            continue
        reason = assessment.excluded_reason or claimed_reason(claims.get(enterprise_id))
        entries.append(
            {
                "list_id": payable.id,
                "enterprise_id": enterprise_id,
                "uscc": uscc,
                "name": name,
                "amount": assessment.amount,
                "evidence": assessment.evidence,
                "excluded_reason": reason,
            }
        )
        if len(entries) == ENTRIES_A_WRITE:
            _write(session, entries)
    _write(session, entries)
    return payable


def _write(session: Session, entries: list[dict[str, Any]]) -> None:
    """Insert ``entries`` in one statement, and empty the list."""
    if entries:
        session.execute(insert(PayableEntry), entries)
        entries.clear()


def claimed_reason(claim: Claim | None) -> str | None:
    """Why an enterprise whose ``claim`` under the policy stands is not paid again from a
    list."""
    if claim is None:
        return None
    status = CLAIM_STATUS_LABELS[claim.status]
    return f"已有兑现申请（第 {claim.id} 号，{status}），按该申请办理，不再免申即享"


def publish(session: Session, list_id: int, actor: Principal, today: date) -> PayableList:
    """Start the list's 公示 today, for the days the policy's text sets or, without one, the
    window's ``public_notice_days``; each enterprise the list pays is told, in the same
    transaction, and asked to confirm its account."""
    repository = PayableRepository(session)
    payable = repository.payable_list(list_id)
    if payable is None:
        raise NotFound("名单")
    if payable.status is not ListStatus.DRAFT:
        label = LIST_STATUS_LABELS[payable.status]
        raise Conflict("already_published", f"名单{label}，不能再次公示")
    policy = no_application_policy(session, payable.policy_id, payable.as_of)
    notice = policy.policy.public_notice
    if notice is not None:
        days, basis = notice.days, notice.source
    else:
        days = settings().public_notice_days
        basis = f"政策原文未规定公示期，按本窗口设置公示 {days} 天"
    payable.status = ListStatus.PUBLIC_NOTICE
    payable.notice_from, payable.notice_until = today, today + timedelta(days=days - 1)
    payable.notice_basis, payable.published_by = basis, actor.actor_id
    session.add(payable)
    session.flush()
    published = PublishedList(
        list_id=list_id,
        policy_id=payable.policy_id,
        policy_version=payable.policy_version,
        policy_title=policy.policy.title,
        notice_from=payable.notice_from,
        notice_until=payable.notice_until,
    )
    list_published(session, published, _paid(repository.entries(list_id)))
    return payable


def _paid(entries: Iterable[PayableEntry]) -> Iterator[Listed]:
    """The entries a list pays: those with an amount and no reason to claim the ordinary way."""
    for entry in entries:
        if entry.excluded_reason is None and entry.amount is not None:
            yield Listed(entry.enterprise_id, entry.name, entry.amount)
