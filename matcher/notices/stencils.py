"""Render entitlement notices by shape: once per shape, then only the name filled in.

A night's notices are many enterprises told the same thing: the same policy, kind, amount and
dates on the same channel, differing only in the enterprise's name. A *stencil* is that
notice rendered once with a placeholder where the name goes; each notice of the shape is the
stencil with its name put in (escaped where the text is HTML). Rendering is most of a nightly
run's cost, and this makes it one template render per shape instead of one per notice.

A stencil is trusted only after it reproduces a real render: the shape's first notice is
rendered both ways and the two must agree, with a name that escaping would change. A template
that does more with the name than print it (cuts it, escapes it twice) fails that check, and
its shape is rendered notice by notice, as before.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from markupsafe import escape

from matcher.notices.context import NoticeContext
from matcher.notices.render import Rendered, sms_segments
from matcher.notices.tables import Channel

PLACEHOLDER = "\ue000\ue001\ue000"
"""Where the name goes: private-use characters, which no name has and escaping leaves alone."""

Render = Callable[[Channel, NoticeContext], Rendered]


@dataclass(frozen=True, slots=True)
class Stencil:
    """A notice rendered with :data:`PLACEHOLDER` for the enterprise's name."""

    channel: Channel
    rendered: Rendered

    def fill(self, name: str) -> Rendered:
        stencil = self.rendered
        text = stencil.text.replace(PLACEHOLDER, name)
        return replace(
            stencil,
            subject=None if stencil.subject is None else stencil.subject.replace(PLACEHOLDER, name),
            text=text,
            html=None if stencil.html is None else stencil.html.replace(PLACEHOLDER, escape(name)),
            segments=sms_segments(text) if self.channel is Channel.SMS else stencil.segments,
        )


def fits(name: str) -> bool:
    """Whether a filled stencil gives what rendering gives for ``name``: a rendered text is
    trimmed at its ends, so a name starting or ending it with spaces would be trimmed too, a
    filled stencil's not."""
    return name == name.strip()


class Stencils:
    """Renders notices through ``render``, once per shape; keeps the stencils it made."""

    def __init__(self, render: Render) -> None:
        self._render = render
        self._stencils: dict[tuple[Channel, NoticeContext], Stencil | None] = {}

    def __call__(self, channel: Channel, notice: NoticeContext) -> Rendered:
        stencil = self.stencil(channel, notice)
        if stencil is None or not fits(notice.enterprise_name):
            return self._render(channel, notice)
        return stencil.fill(notice.enterprise_name)

    def stencil(self, channel: Channel, notice: NoticeContext) -> Stencil | None:
        """The stencil of ``notice``'s shape, or ``None`` when it has none (see
        :meth:`_stencil`); made the first time the shape is seen."""
        shape = (channel, replace(notice, enterprise_name=""))
        if shape not in self._stencils:
            self._stencils[shape] = self._stencil(channel, notice)
        return self._stencils[shape]

    @property
    def shapes(self) -> int:
        """How many shapes were seen."""
        return len(self._stencils)

    def _stencil(self, channel: Channel, notice: NoticeContext) -> Stencil | None:
        """The shape's stencil, or ``None`` when filling it would not give what rendering
        gives (checked on a name with characters HTML escapes)."""
        stencil = Stencil(
            channel, self._render(channel, replace(notice, enterprise_name=PLACEHOLDER))
        )
        probe = f"{notice.enterprise_name}<&\"'>"
        if stencil.fill(probe) != self._render(channel, replace(notice, enterprise_name=probe)):
            return None
        return stencil
