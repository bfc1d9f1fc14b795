"""Which request, or which job, a log line belongs to.

The ids live in context variables: whatever runs on behalf of a request (a dependency, a
thread of the pool, background work it starts) inherits the request's id, and whatever a job
runs inherits the job's. :class:`matcher.observability.logs.ContextFilter` puts them on every
line.
"""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger("matcher.jobs")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("job_id", default=None)

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
"""What a proxy's id looks like (a UUID, nginx's hex ``$request_id``, …): short, and nothing
that could break a log line."""


def new_id() -> str:
    return uuid.uuid4().hex


def accept(incoming: str | None) -> str:
    """The id a proxy gave the request when it is well-formed, else a new one."""
    if incoming is not None and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return new_id()


@contextmanager
def job(name: str) -> Iterator[str]:
    """Run a job (a CLI command, a worker's pass) under an id of its own, ``<name>-<hex>``."""
    identifier = f"{name}-{new_id()[:12]}"
    token = job_id.set(identifier)
    log.debug("%s started", name, extra={"job": name})
    try:
        yield identifier
    finally:
        job_id.reset(token)
