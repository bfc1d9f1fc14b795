"""Notices rendered by shape are exactly the notices rendered one by one, whatever the name;
a template that does more with the name than print it falls back to rendering each notice."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.notices.context import NoticeContext
from matcher.notices.render import Rendered, render
from matcher.notices.stencils import PLACEHOLDER, Stencils
from matcher.notices.tables import Channel, NoticeKind
from tests.notices.factories import RND
from tests.notices.test_render import _context

NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(NAMES, min_size=1, max_size=4),
    kind=st.sampled_from(list(NoticeKind)),
    channel=st.sampled_from(list(Channel)),
    amount=st.sampled_from([None, Decimal("5000.00"), Decimal("123456.78")]),
)
def test_a_filled_stencil_is_the_rendered_notice(
    names: list[str], kind: NoticeKind, channel: Channel, amount: Decimal | None
) -> None:
    stencils = Stencils(render)
    for name in names:
        notice = _context(kind, enterprise_name=name, amount=amount)
        assert stencils(channel, notice) == render(channel, notice)
    assert stencils.shapes == 1, "one shape: only the names differ"


def test_each_shape_is_rendered_once_then_filled() -> None:
    calls: list[NoticeContext] = []

    def counting(channel: Channel, notice: NoticeContext) -> Rendered:
        calls.append(notice)
        return render(channel, notice)

    stencils = Stencils(counting)
    base = _context(NoticeKind.ENTITLED)
    for serial in range(100):
        stencils(Channel.EMAIL, replace(base, enterprise_name=f"济源测试企业{serial}有限公司"))
    assert len(calls) == 2, "the stencil, and the check of it on the first notice"
    other = _context(NoticeKind.DATE_REACHED, RND, apply_from=date(2021, 1, 1))
    stencils(Channel.EMAIL, other)
    assert stencils.shapes == 2 and len(calls) == 4


@pytest.mark.parametrize("channel", list(Channel))
def test_a_template_that_changes_the_name_is_rendered_notice_by_notice(channel: Channel) -> None:
    def shortening(channel: Channel, notice: NoticeContext) -> Rendered:
        rendered = render(channel, notice)
        short = notice.enterprise_name[:4]
        return replace(rendered, text=rendered.text.replace(notice.enterprise_name, short))

    stencils = Stencils(shortening)
    notice = _context(NoticeKind.ENTITLED, enterprise_name="济源市银辉新材料有限公司")
    assert stencils(channel, notice) == shortening(channel, notice)
    assert PLACEHOLDER not in stencils(channel, notice).text
