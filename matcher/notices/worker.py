"""Delivery workers: claim due notices under a lease, send each, record how it went.

Any number of workers may run at once, in threads or processes or on several machines: a
claim hands each notice to one worker only (see :meth:`OutboxRepository.claim`). Each outcome
is committed as soon as it is known, so a worker killed mid-batch can have sent at most the
one notice in flight without recording it; that notice goes out again once the lease runs
out, with the same idempotency key. The rest of its batch was never sent and is simply
claimed again. A worker asked to stop sends no more: it records the notice in flight and
hands the rest of its batch back at once.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine
from sqlmodel import Session

from matcher import clock
from matcher.notices.channels import DeliveryError, Sender
from matcher.notices.outbox import ClaimedNotice, OutboxRepository
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel

BATCH_SIZE = 20


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: ``base``, twice that, four times … up to ``cap``."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=6)

    @classmethod
    def configured(cls, config: NoticeSettings) -> "RetryPolicy":
        return cls(config.notice_max_attempts, timedelta(seconds=config.notice_retry_seconds))

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        return now + min(self.cap, self.base * (1 << (attempts - 1)))


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How one attempt to deliver a notice went."""

    notice: ClaimedNotice
    result: Result
    error: str | None = None


@dataclass(slots=True)
class DeliveryTally:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    lost_leases: int = 0
    """Outcomes not recorded because another worker had taken the notice over meanwhile."""

    def add(self, outcome: DeliveryOutcome, recorded: bool) -> None:
        if not recorded:
            self.lost_leases += 1
        elif outcome.result is Result.SENT:
            self.sent += 1
        elif outcome.result is Result.RETRY:
            self.retry += 1
        else:
            self.failed += 1


def _attempt(sender: Sender, notice: ClaimedNotice, retry: RetryPolicy) -> DeliveryOutcome:
    """Send ``notice`` once and judge the result."""
    try:
        sender.send(notice)
    except DeliveryError as error:
        reason, permanent = error.reason, error.permanent
    except Exception as error:  # a fault in one notice must not stop the others
        reason, permanent = f"{type(error).__name__}: {error}", False
    else:
        return DeliveryOutcome(notice, Result.SENT)
    if permanent:
        return DeliveryOutcome(notice, Result.FAILED, reason)
    if notice.attempts >= retry.max_attempts:
        return DeliveryOutcome(notice, Result.FAILED, f"{reason}（已尝试 {notice.attempts} 次）")
    return DeliveryOutcome(notice, Result.RETRY, reason)


def _record(repository: OutboxRepository, outcome: DeliveryOutcome, retry: RetryPolicy) -> bool:
    notice = outcome.notice
    if outcome.result is Result.SENT:
        return repository.mark_sent(notice)
    assert outcome.error is not None
    if outcome.result is Result.RETRY:
        at = retry.next_attempt(notice.attempts, clock.now())
        return repository.retry_later(notice, at, outcome.error)
    return repository.mark_failed(notice, outcome.error)


def deliver(
    engine: Engine,
    senders: Mapping[Channel, Sender],
    lease: timedelta,
    retry: RetryPolicy,
    on_outcome: Callable[[DeliveryOutcome], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> DeliveryTally:
    """Deliver due notices of the channels in ``senders`` until none is left to claim or
    ``stop()`` says so, a batch of each channel in turn."""
    tally = DeliveryTally()
    # one connection throughout: a transaction per claim and per outcome, no checkouts between
    with engine.connect() as connection, Session(bind=connection) as session:
        repository = OutboxRepository(session)
        while not stop():
            idle = True
            for channel, sender in senders.items():
                if stop():
                    break
                claimed = repository.claim(channel, BATCH_SIZE, lease)
                session.commit()
                idle = idle and not claimed
                for position, notice in enumerate(claimed):
                    if stop():
                        repository.release(claimed[position:])
                        session.commit()
                        break
                    if clock.now() >= notice.lease_expires_at:
                        break  # the rest may belong to another worker by now: claim afresh
                    outcome = _attempt(sender, notice, retry)
                    recorded = _record(repository, outcome, retry)
                    session.commit()
                    tally.add(outcome, recorded)
                    if on_outcome is not None:
                        on_outcome(outcome)
            if idle:
                break
    return tally
