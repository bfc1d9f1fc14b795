"""Notices rendered per channel through the project's jinja2 environment.

Each channel has a renderer in :data:`RENDERERS`; templates live under
``matcher/templates/notices/`` (entitlement notices), ``notices/claims/`` (claim notices) and
``notices/no_application/`` (免申即享 lists), the same names in each (:data:`FOLDERS`), and see
one variable, ``notice`` (the context).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matcher.notices.context import ClaimNoticeContext, ListedNoticeContext, NoticeContext
from matcher.notices.tables import Channel
from matcher.templating import render_template

SINGLE_SEGMENT = 70
"""UCS-2 code units in an SMS sent as one segment."""
CONCATENATED_SEGMENT = 67
"""UCS-2 code units in each part of a concatenated SMS (the rest is the joining header)."""
SMS_OPT_OUT = " 回复TD退订"
"""The ending of every SMS: a reply of TD reaches the inbound webhook and opts out."""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str | None
    """The e-mail subject, or the in-app message's title."""
    text: str
    html: str | None = None
    segments: int | None = None
    sms_template: dict[str, Any] | None = None
    """SMS only: the registered template, its values and the text they make."""


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


Notice = NoticeContext | ClaimNoticeContext | ListedNoticeContext

FOLDERS: dict[type[Notice], str] = {
    NoticeContext: "notices",
    ClaimNoticeContext: "notices/claims",
    ListedNoticeContext: "notices/no_application",
}
"""Where each kind of context's templates are."""


def _render(name: str, notice: Notice) -> str:
    return render_template(f"{FOLDERS[type(notice)]}/{name}", {"notice": notice}).strip()


def _email(notice: Notice) -> Rendered:
    return Rendered(
        subject=_render("email_subject.txt", notice),
        text=_render("email.txt", notice) + "\n",
        html=_render("email.html", notice) + "\n",
    )


def sms(text: str) -> Rendered:
    """An SMS of ``text`` with the opt-out ending every SMS carries (a reply of TD reaches
    the inbound webhook), counted in its segments."""
    full = text + SMS_OPT_OUT
    return Rendered(subject=None, text=full, segments=sms_segments(full))


def _sms(notice: Notice) -> Rendered:
    return sms(_render("sms.txt", notice))


def _in_app(notice: Notice) -> Rendered:
    return Rendered(subject=_render("in_app_title.txt", notice), text=_render("in_app.txt", notice))


RENDERERS: dict[Channel, Callable[[Notice], Rendered]] = {
    Channel.EMAIL: _email,
    Channel.SMS: _sms,
    Channel.IN_APP: _in_app,
}


def render(channel: Channel, notice: Notice) -> Rendered:
    return RENDERERS[channel](notice)
