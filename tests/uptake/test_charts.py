"""Charts are inline SVG the page's policy lets through, scaling to their box."""

import re

from matcher.uptake.charts import bar_chart, funnel_chart, line_chart


def _check(svg: str, title: str) -> None:
    assert svg.startswith(f'<svg aria-label="{title}" ')
    opening = svg[: svg.index(">")]
    assert 'viewBox="0 0 ' in opening and "width=" not in opening and "height=" not in opening
    assert 'role="img"' in opening and 'class="chart"' in opening
    assert " style=" not in svg and "<style" not in svg  # no inline CSS: the CSP forbids it
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<script" not in svg
    assert not re.search(r'(href|src)="(https?:)?//', svg)  # nothing loaded from elsewhere


def test_bars_lines_and_a_funnel_are_inline_svg() -> None:
    bars = bar_chart(
        "按政策统计", ["开业补贴", "<创业担保贷款>"], {"符合条件": [8, 3], "已批准": [2, 0]}
    )
    _check(bars, "按政策统计")
    assert "开业补贴" in bars and "&lt;创业担保贷款&gt;" in bars  # text stays text, escaped
    lines = line_chart("每月", ["2026-01", "2026-02"], {"申请": [1, 3], "批准": [0, 2]})
    _check(lines, "每月")
    funnel = funnel_chart("兑现漏斗", ["符合条件", "已通知", "已申请", "已批准"], [10, 8, 3, 1])
    _check(funnel, "兑现漏斗")
    assert "10（100%）" in funnel and "1（10%）" in funnel


def test_a_funnel_of_nothing_draws_no_shares() -> None:
    funnel = funnel_chart("兑现漏斗", ["符合条件", "已通知"], [0, 0])
    assert "%" not in funnel.replace("100%", "")
