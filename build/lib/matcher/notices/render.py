"""Notices rendered per channel through the project's jinja2 environment.

Each channel has a renderer in :data:`RENDERERS`; templates live under
``matcher/templates/notices/`` and see one variable, ``notice`` (a :class:`NoticeContext`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from matcher.notices.context import NoticeContext
from matcher.notices.tables import Channel
from matcher.templating import render_template

SINGLE_SEGMENT = 70
"""UCS-2 code units in an SMS sent as one segment."""
CONCATENATED_SEGMENT = 67
"""UCS-2 code units in each part of a concatenated SMS (the rest is the joining header)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str | None
    """The e-mail subject, or the in-app message's title."""
    text: str
    html: str | None = None
    segments: int | None = None


def sms_segments(text: str) -> int:
    """How many segments ``text`` takes as a UCS-2 SMS (any SMS with Chinese in it).

    A character outside the Basic Multilingual Plane takes two code units, and a
    concatenated message never splits it across two parts.
    """
    widths = [2 if ord(character) > 0xFFFF else 1 for character in text]
    if sum(widths) <= SINGLE_SEGMENT:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > CONCATENATED_SEGMENT:
            segments, used = segments + 1, 0
        used += width
    return segments


def _render(name: str, notice: NoticeContext) -> str:
    return render_template(f"notices/{name}", {"notice": notice}).strip()


def _email(notice: NoticeContext) -> Rendered:
    return Rendered(
        subject=_render("email_subject.txt", notice),
        text=_render("email.txt", notice) + "\n",
        html=_render("email.html", notice) + "\n",
    )


def _sms(notice: NoticeContext) -> Rendered:
    text = _render("sms.txt", notice)
    return Rendered(subject=None, text=text, segments=sms_segments(text))


def _in_app(notice: NoticeContext) -> Rendered:
    return Rendered(subject=_render("in_app_title.txt", notice), text=_render("in_app.txt", notice))


RENDERERS: dict[Channel, Callable[[NoticeContext], Rendered]] = {
    Channel.EMAIL: _email,
    Channel.SMS: _sms,
    Channel.IN_APP: _in_app,
}


def render(channel: Channel, notice: NoticeContext) -> Rendered:
    return RENDERERS[channel](notice)
