"""Rendered notices: golden files per channel and kind, escaping, SMS segments.

Set ``UPDATE_SNAPSHOTS=1`` to rewrite the golden files after an intended change, then
review the diff.
"""

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from matcher.notices.context import (
    ClaimNoticeContext,
    ListedNoticeContext,
    NoticeContext,
    NoticeFacts,
    notice_context,
)
from matcher.notices.render import Rendered, render, sms_segments
from matcher.notices.tables import Channel, ClaimNoticeKind, ListNoticeKind, NoticeKind
from matcher.policies.catalog import default_catalog
from tests.notices.conftest import PAGE
from tests.notices.factories import GREEN, RND, STARTUP, version

SNAPSHOTS = Path(__file__).parent / "snapshots"
NAME = "济源市银辉新材料有限公司"


def _context(kind: NoticeKind, policy_id: str = STARTUP, **facts: object) -> NoticeContext:
    compiled = default_catalog().get(policy_id)
    assert compiled is not None
    base = NoticeFacts(
        channel=Channel.EMAIL,
        kind=kind,
        enterprise_name=NAME,
        policy_version=version(policy_id),
        amount=Decimal("5000.00"),
        apply_from=date(2020, 9, 16) if kind is NoticeKind.DATE_REACHED else None,
    )
    return notice_context(replace(base, **facts), compiled.policy, PAGE)  # type: ignore[arg-type]


def _shown(rendered: Rendered) -> str:
    """A notice as its golden file holds it."""
    lines = [] if rendered.subject is None else [f"subject: {rendered.subject}"]
    if rendered.segments is not None:
        lines.append(f"segments: {rendered.segments} ({len(rendered.text)} characters)")
    return "\n".join([*lines, "---", rendered.text.rstrip("\n"), ""])


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {name}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text("utf-8"), f"{name} changed: review, then UPDATE_SNAPSHOTS=1"


@pytest.mark.parametrize("kind", list(NoticeKind))
@pytest.mark.parametrize("channel", list(Channel))
def test_every_kind_on_every_channel(channel: Channel, kind: NoticeKind) -> None:
    rendered = render(channel, _context(kind))
    _check(f"{channel}-{kind}.txt", _shown(rendered))
    if rendered.html is not None:
        _check(f"{channel}-{kind}.html", rendered.html)


@pytest.mark.parametrize(
    ("name", "context"),
    [
        # no amount: a service, not money
        ("in_app-no-amount.txt", _context(NoticeKind.PUBLISHED, GREEN, amount=None)),
        ("email-deadline.txt", replace(_context(NoticeKind.ENTITLED), deadline=date(2020, 12, 31))),
        # the longest title of the seed catalog with a large amount: more than one segment
        ("sms-long-title.txt", _context(NoticeKind.ENTITLED, RND, amount=Decimal("928125.5"))),
    ],
)
def test_special_cases(name: str, context: NoticeContext) -> None:
    channel = Channel(name.split("-")[0])
    _check(name, _shown(render(channel, context)))


@pytest.mark.parametrize("channel", list(Channel))
def test_a_tax_preference_is_never_read_as_cash(channel: Channel) -> None:
    rendered = render(channel, _context(NoticeKind.ENTITLED, RND, amount=Decimal("41000")))
    assert "可减免税额约" in rendered.text
    assert "可获" not in rendered.text
    cash = render(channel, _context(NoticeKind.ENTITLED, STARTUP))
    assert "可获" in cash.text
    assert "减免" not in cash.text


@pytest.mark.parametrize("channel", list(Channel))
def test_the_first_notice_lists_what_the_enterprise_may_have(channel: Channel) -> None:
    rendered = render(channel, _context(NoticeKind.INITIAL))
    assert "您可享受以下政策：《一次性开业补贴》" in (rendered.subject or rendered.text)
    assert "新政策" not in (rendered.subject or "") + rendered.text


def _claim_context(kind: ClaimNoticeKind) -> ClaimNoticeContext:
    return ClaimNoticeContext(
        kind=kind,
        enterprise_name=NAME,
        policy_title="一次性开业补贴",
        claim_id=42,
        claim_date=date(2020, 8, 3),
        amount=Decimal("5000.00")
        if kind in (ClaimNoticeKind.APPROVED, ClaimNoticeKind.PAID)
        else None,
        reason={
            ClaimNoticeKind.MATERIALS_REQUESTED: "营业执照副本复印件（加盖公章）",
            ClaimNoticeKind.REJECTED: "申请人此前已享受过一次性开业补贴",
        }.get(kind),
        respond_by=date(2020, 8, 17) if kind is ClaimNoticeKind.MATERIALS_REQUESTED else None,
        due_date=date(2020, 8, 14) if kind is ClaimNoticeKind.RECEIVED else None,
        page_url=f"{PAGE}/claims/42",
    )


@pytest.mark.parametrize("kind", list(ClaimNoticeKind))
@pytest.mark.parametrize("channel", list(Channel))
def test_every_claim_notice_on_every_channel(channel: Channel, kind: ClaimNoticeKind) -> None:
    rendered = render(channel, _claim_context(kind))
    _check(f"{channel}-{kind}.txt", _shown(rendered))
    if rendered.html is not None:
        _check(f"{channel}-{kind}.html", rendered.html)


@pytest.mark.parametrize("channel", list(Channel))
def test_a_no_application_list_asks_only_for_the_account(channel: Channel) -> None:
    context = ListedNoticeContext(
        kind=ListNoticeKind.LISTED,
        enterprise_name=NAME,
        policy_title="一次性开业补贴",
        amount=Decimal("5000.00"),
        notice_from=date(2020, 8, 3),
        notice_until=date(2020, 8, 9),
        page_url=f"{PAGE}/no-application",
    )
    rendered = render(channel, context)
    _check(f"{channel}-{ListNoticeKind.LISTED}.txt", _shown(rendered))
    if rendered.html is not None:
        _check(f"{channel}-{ListNoticeKind.LISTED}.html", rendered.html)


def test_html_is_escaped_and_text_is_not() -> None:
    context = _context(NoticeKind.ENTITLED, enterprise_name="<b>银辉</b> & 子")
    rendered = render(Channel.EMAIL, context)
    assert rendered.html is not None
    assert "&lt;b&gt;银辉&lt;/b&gt; &amp; 子" in rendered.html
    assert "<b>银辉" not in rendered.html
    assert rendered.text.startswith("<b>银辉</b> & 子：")
    assert rendered.subject == "【惠企政策】<b>银辉</b> & 子已符合《一次性开业补贴》申请条件"


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("中" * 70, 1),
        ("中" * 71, 2),
        ("中" * 134, 2),
        ("中" * 135, 3),
        ("a" * 70, 1),
        ("𠮷" * 35, 1),  # outside the BMP: two code units each
        ("𠮷" * 36, 2),
        ("中" * 66 + "𠮷" + "中" * 66, 3),  # 134 units, but 𠮷 cannot straddle two parts
    ],
)
def test_sms_segments(text: str, segments: int) -> None:
    assert sms_segments(text) == segments
