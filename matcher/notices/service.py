"""Find what changed, enqueue the notices, render them.

Services flush; the job commits (``render_pending`` calls back after each batch so the job
can commit there, and a run cut short resumes with the rows still unrendered).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session

from matcher.notices.changes import changes, unnotified_runs
from matcher.notices.context import NoticeFacts, PublishedPolicies, notice_context
from matcher.notices.outbox import OutboxRepository, candidates, not_queued
from matcher.notices.render import Rendered, render
from matcher.notices.sms_templates import sms_templates
from matcher.notices.stencils import Stencils
from matcher.notices.tables import Channel
from matcher.population.state import StateRepository

RENDER_BATCH = 2000


@dataclass(frozen=True, slots=True)
class NoticePlan:
    """What changed in the entitlement state since notices were last enqueued, and how many
    notices that makes."""

    runs: Sequence[int]
    """The state runs whose changes the plan tells."""
    changes: Select[Any]
    changed: int
    """(enterprise, policy) pairs with something to tell."""
    notices: int
    """Notices to enqueue: one per change and channel, none already in the outbox."""
    eligible: int
    """Eligible (enterprise, policy) pairs in the state."""


def notice_plan(session: Session) -> NoticePlan:
    """The changes of every state run not told yet."""
    runs = unnotified_runs(session)
    found = changes(runs)
    repository = OutboxRepository(session)
    return NoticePlan(
        runs,
        found,
        repository.count(found),
        repository.count(not_queued(candidates(found))),
        StateRepository(session).eligible_count(),
    )


def enqueue(session: Session, plan: NoticePlan) -> int:
    """Enqueue the notices of ``plan``, and mark its runs told; how many were added."""
    added = OutboxRepository(session).enqueue(plan.changes)
    StateRepository(session).mark_notified(plan.runs)
    session.flush()
    return added


class Renderer:
    """Renders notices, reading each policy version they quote once and rendering each shape
    of notice once (:mod:`matcher.notices.stencils`)."""

    def __init__(self, session: Session, page_url: str) -> None:
        self.policies = PublishedPolicies(session)
        self.page_url = page_url
        self.stencils = Stencils(render)

    def __call__(self, facts: NoticeFacts) -> Rendered | str:
        """The rendered notice, or why it cannot be rendered."""
        policy = self.policies.get(facts.policy_version)
        if policy is None:
            return f"政策版本 {facts.policy_version[:12]} 未发布，无法生成通知"
        notice = notice_context(facts, policy, self.page_url)
        rendered = self.stencils(facts.channel, notice)
        if facts.channel is Channel.SMS:  # kept for a gateway that sends templates
            return replace(rendered, sms_template=sms_templates().message(notice))
        return rendered


@dataclass(slots=True)
class RenderTally:
    rendered: int = 0
    failed: int = 0


def render_pending(
    session: Session, page_url: str, on_batch: Callable[[int], None] | None = None
) -> RenderTally:
    """Render every enqueued notice not rendered yet."""
    repository = OutboxRepository(session)
    renderer = Renderer(session, page_url)
    tally = RenderTally()
    for channel in Channel:
        after = 0
        while batch := repository.unrendered(channel, after, RENDER_BATCH):
            rendered: list[tuple[int, Rendered]] = []
            refused: list[tuple[int, str]] = []
            for notice_id, facts in batch:
                result = renderer(facts)
                if isinstance(result, Rendered):
                    rendered.append((notice_id, result))
                else:
                    refused.append((notice_id, result))
            repository.save_rendered(rendered)
            repository.give_up(refused)
            session.flush()
            tally.rendered += len(rendered)
            tally.failed += len(refused)
            after = batch[-1][0]
            if on_batch is not None:
                on_batch(len(batch))
    return tally


@dataclass(slots=True)
class Preview:
    """What enqueueing a plan would store, rendered but not stored."""

    rendered: int = 0
    failed: int = 0
    samples: dict[Channel, tuple[NoticeFacts, Rendered]] = field(default_factory=dict)
    """The first notice of each channel."""


def preview(
    session: Session,
    plan: NoticePlan,
    page_url: str,
    on_notice: Callable[[], None] | None = None,
) -> Preview:
    """Render the notices of ``plan`` without enqueueing them."""
    result = Preview()
    renderer = Renderer(session, page_url)
    for facts in OutboxRepository(session).preview(plan.changes):
        rendered = renderer(facts)
        if isinstance(rendered, Rendered):
            result.rendered += 1
            result.samples.setdefault(facts.channel, (facts, rendered))
        else:
            result.failed += 1
        if on_notice is not None:
            on_notice()
    return result
