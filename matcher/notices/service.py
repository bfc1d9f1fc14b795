"""Find what changed, enqueue the notices, render them.

Services flush; the job commits (``render_pending`` calls back after each batch so the job
can commit there, and a run cut short resumes with the rows still unrendered).
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session

from matcher.notices.bodies import BodyRepository
from matcher.notices.changes import changes, unnotified_runs
from matcher.notices.context import (
    NoticeContext,
    NoticeFacts,
    NoticeShape,
    PublishedPolicies,
    notice_context,
)
from matcher.notices.outbox import OutboxRepository, candidates, not_queued
from matcher.notices.render import Rendered, render
from matcher.notices.sms_templates import sms_templates
from matcher.notices.stencils import PLACEHOLDER, Stencils, fits
from matcher.notices.tables import Channel
from matcher.population.state import StateRepository

RENDER_BATCH = 2000
SHARED_SHAPES = 2000
"""The most shapes whose notices :func:`enqueue_rendered` writes rendered: each is six
parameters of one statement."""


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
    """Enqueue the notices of ``plan`` unrendered, and mark its runs told; how many were
    added."""
    return _enqueue(session, plan, {})


def enqueue_rendered(session: Session, plan: NoticePlan, page_url: str) -> int:
    """:func:`enqueue`, with the notices of every shape several share written rendered (the
    :data:`SHARED_SHAPES` largest shapes, their texts stored first): writing them once is all
    they cost. The rest wait for :func:`render_pending`."""
    repository = OutboxRepository(session)
    bodies = ShapeBodies(session, Renderer(session, page_url))
    shapes = repository.shapes(plan.changes, least=2, most=SHARED_SHAPES)
    return _enqueue(
        session, plan, {shape: body for shape in shapes if isinstance(body := bodies(shape), int)}
    )


def _enqueue(session: Session, plan: NoticePlan, bodies: Mapping[NoticeShape, int]) -> int:
    added = OutboxRepository(session).enqueue(plan.changes, bodies)
    StateRepository(session).mark_notified(plan.runs)
    session.flush()
    return added


SAMPLE_NAME = "济源示例企业有限公司"
"""The name a shape's stencil is checked with (see :class:`Stencils`)."""


class Renderer:
    """Renders notices, reading each policy version they quote once and rendering each shape
    of notice once (:mod:`matcher.notices.stencils`)."""

    def __init__(self, session: Session, page_url: str) -> None:
        self.policies = PublishedPolicies(session)
        self.page_url = page_url
        self.stencils = Stencils(render)

    def __call__(self, facts: NoticeFacts) -> Rendered | str:
        """The rendered notice, or why it cannot be rendered."""
        notice = self._context(facts)
        if isinstance(notice, str):
            return notice
        return self._with_template(facts.channel, notice, self.stencils(facts.channel, notice))

    def shape(self, shape: NoticeShape) -> Rendered | str | None:
        """The texts of every notice of ``shape``, with :data:`PLACEHOLDER` for the name; why
        none can be rendered; or ``None`` when each must be rendered with its own name."""
        notice = self._context(shape.facts(SAMPLE_NAME))
        if isinstance(notice, str):
            return notice
        stencil = self.stencils.stencil(shape.channel, notice)
        if stencil is None:
            return None
        texts = self._with_template(
            shape.channel, replace(notice, enterprise_name=PLACEHOLDER), stencil.rendered
        )
        if PLACEHOLDER in json.dumps(texts.sms_template, ensure_ascii=False):
            return None  # a template's value is cut to its length, name and all
        return texts

    def _context(self, facts: NoticeFacts) -> NoticeContext | str:
        policy = self.policies.get(facts.policy_version)
        if policy is None:
            return f"政策版本 {facts.policy_version[:12]} 未发布，无法生成通知"
        return notice_context(facts, policy, self.page_url)

    @staticmethod
    def _with_template(channel: Channel, notice: NoticeContext, rendered: Rendered) -> Rendered:
        if channel is Channel.SMS:  # kept for a gateway that sends templates
            return replace(rendered, sms_template=sms_templates().message(notice))
        return rendered


class ShapeBodies:
    """Each shape's body: its texts stored once (:mod:`matcher.notices.bodies`), rendered the
    first time the shape is asked for."""

    def __init__(self, session: Session, renderer: Renderer) -> None:
        self.bodies = BodyRepository(session)
        self.renderer = renderer
        self._found: dict[NoticeShape, int | str | None] = {}

    def __call__(self, shape: NoticeShape) -> int | str | None:
        """The id of ``shape``'s body, why its notices cannot be rendered, or ``None`` when
        each must be rendered with its own name."""
        if shape not in self._found:
            texts = self.renderer.shape(shape)
            self._found[shape] = (
                self.bodies.store(shape.channel, texts) if isinstance(texts, Rendered) else texts
            )
        return self._found[shape]


@dataclass(slots=True)
class RenderTally:
    rendered: int = 0
    failed: int = 0


def render_pending(
    session: Session, page_url: str, on_batch: Callable[[int], None] | None = None
) -> RenderTally:
    """Render every enqueued notice not rendered yet: a notice whose shape renders once for
    all is pointed at its shape's texts (:mod:`matcher.notices.bodies`), any other rendered
    with its own name."""
    repository = OutboxRepository(session)
    renderer = Renderer(session, page_url)
    bodies = ShapeBodies(session, renderer)
    tally = RenderTally()
    for channel in Channel:
        after = 0
        while batch := repository.unrendered(channel, after, RENDER_BATCH):
            shaped: list[tuple[int, int]] = []
            rendered: list[tuple[int, Rendered]] = []
            refused: list[tuple[int, str]] = []
            for notice_id, facts in batch:
                body = bodies(facts.shape)
                if isinstance(body, int) and fits(facts.enterprise_name):
                    shaped.append((notice_id, body))
                elif isinstance(body, str):
                    refused.append((notice_id, body))
                elif isinstance(result := renderer(facts), Rendered):
                    rendered.append((notice_id, result))
                else:
                    refused.append((notice_id, result))
            repository.point_at_bodies(shaped)
            repository.save_rendered(rendered)
            repository.give_up(refused)
            session.flush()
            tally.rendered += len(shaped) + len(rendered)
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
