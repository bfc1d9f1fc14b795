"""Staff read the 兑现看板 in a real browser (issue 16), at desktop and phone widths: three
charts, each with its table beside it (below it on a phone) and a CSV download, nothing wider
than the screen; then the list of entitlements left unclaimed after notice."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from matcher import clock
from matcher.db import make_engine, session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.tables import Channel, NoticeKind, NoticeStatus, OutboxNotice
from matcher.payouts.tables import Claim, ClaimStatus
from matcher.policies.catalog import default_catalog
from matcher.population.service import match_population
from matcher.profiles.parse import parse_profile
from matcher.uptake.eligible import eligible_pairs
from tests.browser.test_scenarios import _sign_in

Screenshot = Callable[[str], None]
FIRM = parse_profile(
    {
        "uscc": "91419001MA0000008C",
        "name": "济源市看板测试有限公司",
        "entity_type": "company",
        "registration_area": "419001",
        "industry_code": "C3130",
        "industry_cluster": "steel",
        "employees": 30,
    }
)


@pytest.fixture(scope="session")
def uptake_data(base_url: str, app_database_url: str) -> None:
    """Once per served app: a finished match run, every eligible pair told 40 days ago or
    more, and claims of an enterprise of its own over three months."""
    engine, today = make_engine(app_database_url), clock.today()
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(FIRM, "registration", "seed")
    match_population(engine, default_catalog().in_force(today), today)
    with session_scope(engine) as session:
        firm = EnterpriseRepository(session).row(FIRM.uscc or "")
        assert firm is not None
        pairs = session.execute(select(eligible_pairs().subquery())).all()
        for n, (enterprise_id, policy_id, _amount) in enumerate(pairs):
            day = today - timedelta(days=40 + 10 * (n % 5))
            sent = datetime.combine(day, time(10), clock.CHINA).astimezone(UTC)
            session.add(
                OutboxNotice(
                    enterprise_id=enterprise_id,
                    policy_id=policy_id,
                    policy_version="seed",
                    kind=NoticeKind.INITIAL,
                    channel=Channel.IN_APP,
                    idempotency_key=f"uptake-browser:{enterprise_id}:{policy_id}",
                    status=NoticeStatus.SENT,
                    sent_at=sent,
                )
            )
        for n in range(6):
            session.add(
                Claim(
                    enterprise_id=firm["id"],
                    uscc=FIRM.uscc,
                    policy_id="startup-subsidy",
                    claim_date=today - timedelta(days=15 * n),
                    facts={},
                    status=ClaimStatus.REJECTED if n % 3 == 2 else ClaimStatus.PENDING,
                    filed_by="test",
                )
            )
    engine.dispose()


def test_staff_read_the_dashboard(
    page: Page, screenshot: Screenshot, viewport: str, uptake_data: None
) -> None:
    _sign_in(page, "wangfang")
    page.get_by_role("link", name="兑现看板").click()
    expect(page.get_by_role("heading", name="政策兑现看板", level=1)).to_be_visible()
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    width = page.viewport_size["width"] if page.viewport_size else 0
    for name in ("stages", "funnel", "months"):
        panel = page.locator(f"section#{name}")
        chart, table = panel.locator("svg.chart"), panel.locator("table")
        expect(chart).to_be_visible()
        expect(table).to_be_visible()
        chart_box, table_box = chart.bounding_box(), table.bounding_box()
        assert chart_box is not None and table_box is not None
        assert 0 < chart_box["width"] <= width
        if viewport == "desktop":  # beside it
            assert table_box["x"] >= chart_box["x"] + chart_box["width"]
        else:  # below it, as wide as the screen allows
            assert table_box["y"] >= chart_box["y"] + chart_box["height"]
        expect(panel.get_by_role("link", name="下载 CSV")).to_have_attribute(
            "href", re.compile(rf"^/staff/uptake/{name}\.csv")
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.locator("section#funnel table")).to_contain_text("符合条件")
    expect(page.get_by_text("尚无拨付记录").first).to_be_visible()
    screenshot("uptake")

    csv = page.request.get(page.locator("section#stages a.csv").get_attribute("href") or "")
    assert csv.status == 200 and csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.text().lstrip("\ufeff").startswith("政策,符合条件,已通知,已申请,已批准")

    page.get_by_label("分组统计").select_option(label="按企业规模")
    page.get_by_role("button", name="统计").click()
    expect(page).to_have_url(re.compile(r"by=size_class"))
    expect(page.locator("section#stages thead")).to_contain_text("企业规模")
    screenshot("uptake-by-size")

    page.get_by_role("link", name="查看待跟进名单").click()
    expect(page.get_by_role("heading", name="通知后 30 天未申请")).to_be_visible()
    expect(page.locator("#non-take-up-total")).to_contain_text("户次")
    expect(page.locator("table tbody tr").first).to_contain_text("91419001")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot("uptake-non-take-up")
