"""Notice texts stored once per shape, and the name put in when a notice is sent or shown.

A night's notices are many enterprises told the same thing (see :mod:`matcher.notices.stencils`).
Rendering stores each shape's stencil once in ``notice_bodies`` and points the shape's outbox
rows at it, so writing a notice back is an id, not kilobytes of text. The enterprise's name is
put in where the notice is read: by the worker that sends it and by the page that shows it, as
the enterprise is named then.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from matcher.enterprises.tables import enterprises
from matcher.notices.render import Rendered
from matcher.notices.stencils import Stencil
from matcher.notices.tables import Channel, NoticeBody


def digest(channel: Channel, texts: Rendered) -> str:
    """What identifies a body: its channel and every text it stores."""
    stored = [channel.value, texts.subject, texts.text, texts.html, texts.sms_template]
    encoded = json.dumps(stored, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


class StoredNotice(Protocol):
    """An outbox row as read back (a model or a result row): its own texts, or its body."""

    enterprise_id: int
    body_id: int | None
    subject: str | None
    body_text: str | None
    body_html: str | None
    segments: int | None
    sms_template: Any


class BodyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def store(self, channel: Channel, texts: Rendered) -> int:
        """The id of the body holding ``texts`` (a stencil), added if no body holds them yet;
        another transaction adding the same body at once is no conflict."""
        key = digest(channel, texts)
        dialect = self.session.get_bind().dialect.name
        insert = (sqlite_insert if dialect == "sqlite" else pg_insert)(NoticeBody)
        row: dict[str, Any] = {
            "digest": key,
            "channel": channel.value,
            "subject": texts.subject,
            "body_text": texts.text,
            "body_html": texts.html,
            "sms_template": texts.sms_template,
        }
        self.session.execute(insert.values(row).on_conflict_do_nothing())
        found = select(col(NoticeBody.id)).where(col(NoticeBody.digest) == key)
        return int(self.session.execute(found).scalar_one())

    def texts(self, notices: Sequence[StoredNotice]) -> list[Rendered]:
        """What each of ``notices`` sends or shows: its shape's texts with its enterprise's
        name put in, or its own texts."""
        pairs = {(n.body_id, n.enterprise_id) for n in notices if n.body_id is not None}
        filled = self._filled(pairs) if pairs else {}
        return [
            Rendered(n.subject, n.body_text or "", n.body_html, n.segments, n.sms_template)
            if n.body_id is None
            else filled[(n.body_id, n.enterprise_id)]
            for n in notices
        ]

    def _filled(self, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Rendered]:
        body_ids, enterprise_ids = {b for b, _ in pairs}, {e for _, e in pairs}
        bodies = {
            body.id: body
            for body in self.session.execute(
                select(NoticeBody).where(col(NoticeBody.id).in_(body_ids))
            ).scalars()
        }
        names = dict(
            self.session.execute(
                select(enterprises.c.id, enterprises.c.name).where(
                    enterprises.c.id.in_(enterprise_ids)
                )
            ).all()
        )
        return {
            (body_id, enterprise_id): _stencil(bodies[body_id]).fill(names[enterprise_id])
            for body_id, enterprise_id in pairs
        }


def _stencil(body: NoticeBody) -> Stencil:
    return Stencil(
        Channel(body.channel),
        Rendered(body.subject, body.body_text, body.body_html, None, body.sms_template),
    )
