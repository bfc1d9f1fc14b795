"""Tell an enterprise within seconds when a change of its facts changes its entitlements.

Whatever path writes an enterprise's facts (the API, a CSV import, a page, a staff
correction) goes through :meth:`~matcher.enterprises.repository.EnterpriseRepository.save`,
which notes the enterprise in the session. Just before that session commits, the enterprise
is re-judged (:func:`~matcher.population.incremental.judge_enterprises`) and the notices its
changes make are enqueued, in the same transaction: the facts, the new entitlements and their
notices are committed together or not at all. A session that knows no catalog (``follow``
was not called on it) leaves the enterprise to the nightly run, which re-judges every
enterprise written since the previous one.
"""

from collections.abc import Collection
from datetime import date

from sqlalchemy import event
from sqlmodel import Session

from matcher import clock
from matcher.enterprises.repository import FACTS_CHANGED
from matcher.notices.changes import changes
from matcher.notices.outbox import OutboxRepository
from matcher.policies.catalog import Catalog
from matcher.population.incremental import judge_enterprises
from matcher.population.state import StateRepository

CATALOG = "matcher.catalog"
"""The key of ``Session.info`` naming the catalog to re-judge changed enterprises under."""


def follow(session: Session, catalog: Catalog) -> None:
    """Re-judge, before ``session`` commits, the enterprises whose facts it changed."""
    session.info[CATALOG] = catalog


def tell(session: Session, catalog: Catalog, ids: Collection[int], as_of: date) -> int:
    """Re-judge the enterprises ``ids`` and enqueue the notices their changes make; how many
    were enqueued."""
    run = judge_enterprises(session, catalog, ids, as_of)
    if run is None or run.id is None:
        return 0
    outbox = OutboxRepository(session)
    added = outbox.enqueue(changes([run.id]))
    StateRepository(session).mark_notified([run.id])
    if added:
        outbox.announce()
    return added


def _before_commit(session: Session) -> None:
    changed = session.info.pop(FACTS_CHANGED, None)
    catalog = session.info.get(CATALOG)
    if changed and catalog is not None:
        tell(session, catalog, changed, clock.today())


def install() -> None:
    """Follow fact changes in every session that :func:`follow` was called on."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
