"""A window clerk works a queue of 30 claims in a real browser (issue 13): the 工作台's counts,
the overdue ones through the count's link, then a policy with a search and the other sort, and
the filtered view again from its bookmarked address."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from matcher import clock
from matcher.db import make_engine, session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.tables import Claim, ClaimStatus
from tests.browser.conftest import DEMO, OTHER
from tests.browser.test_scenarios import _sign_in

Screenshot = Callable[[str], None]
POLICY, TITLE = "tech-transfer-subsidy", "产学研合作及科技成果交易补助"
CLAIMS, OVERDUE, OTHERS = 30, 6, 10
"""Claims seeded under :data:`POLICY`: the first :data:`OVERDUE` past their due date, every
third one the other enterprise's (:data:`OTHERS` of them)."""
CONTRACT = {
    "cooperation_mode": "joint_rnd",
    "counterparty_kind": "university",
    "transaction_amount": "500000.00",
    "contract_date": "2021-03-01",
    "contract_registration_number": "JY2021000001",
}


@pytest.fixture(scope="session")
def queue_of_thirty(base_url: str, app_database_url: str) -> list[int]:
    """Once per served app: claims due from a fortnight ago on, every other one filed a day
    earlier; materials requested on some of those not yet due (their clock is stopped)."""
    engine, today = make_engine(app_database_url), clock.today()
    with session_scope(engine) as session:
        repository, ids = EnterpriseRepository(session), {}
        for profile in (DEMO, OTHER):
            assert profile.uscc is not None
            row = repository.row(profile.uscc)
            assert row is not None
            ids[profile.uscc] = row["id"]
        claims = []
        for n in range(CLAIMS):
            uscc = OTHER.uscc if n % 3 == 2 else DEMO.uscc
            assert uscc is not None
            late = n < OVERDUE
            claims.append(
                Claim(
                    enterprise_id=ids[uscc],
                    uscc=uscc,
                    policy_id=POLICY,
                    claim_date=today - timedelta(days=40 - n + (n % 2) * 7),
                    facts=CONTRACT,
                    status=ClaimStatus.MATERIALS_REQUESTED
                    if not late and n % 5 == 0
                    else ClaimStatus.PENDING,
                    due_date=today + timedelta(days=n - OVERDUE if late else n),
                    filed_by="test",
                )
            )
        session.add_all(claims)
        session.flush()
        numbers = [c.id for c in claims if c.id is not None]
    engine.dispose()
    return numbers


def test_a_clerk_works_the_queue(
    page: Page, screenshot: Screenshot, queue_of_thirty: list[int]
) -> None:
    _sign_in(page, "wangfang")
    page.goto("/staff")
    counts = page.locator(".desk-counts")
    for label in ("待审核", "本周到期", "已逾期", "今日已决定", "本月批准金额"):
        expect(counts).to_contain_text(label)
    screenshot("desk-workbench")

    counts.get_by_role("link", name="已逾期").click()
    expect(page).to_have_url(re.compile(r"/staff/claims\?overdue=1$"))
    rows = page.locator("table.claims tbody tr")
    expect(rows.first).to_contain_text("逾期")

    page.get_by_label("政策").select_option(label=TITLE)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#queue-count")).to_contain_text(f"共 {OVERDUE} 件")
    expect(rows).to_have_count(OVERDUE)
    for index in range(OVERDUE):
        expect(rows.nth(index)).to_contain_text("逾期")
    expect(rows.first).to_contain_text(f"#{queue_of_thirty[0]}")
    screenshot("desk-queue-overdue")

    page.get_by_label("只看逾期").uncheck()
    page.get_by_label("状态").select_option(label="全部")
    page.get_by_label("企业名称、统一社会信用代码或申请编号").fill("玉川")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#queue-count")).to_contain_text(f"共 {OTHERS} 件")
    expect(rows).to_have_count(OTHERS)
    for index in range(OTHERS):
        expect(rows.nth(index)).to_contain_text(OTHER.name or "")
    others = [n for i, n in enumerate(queue_of_thirty) if i % 3 == 2]
    expect(rows.first).to_contain_text(f"#{others[0]}")  # the earliest due

    page.get_by_role("navigation", name="排序方式").get_by_role("link", name="按申请日期").click()
    expect(page.get_by_label("排序", exact=True)).to_have_value("filed")
    first_filed = min(others, key=lambda n: (queue_of_thirty.index(n) % 2 == 0, n))
    expect(rows.first).to_contain_text(f"#{first_filed}")
    screenshot("desk-queue-search")

    bookmarked = page.url
    assert "q=%E7%8E%89%E5%B7%9D" in bookmarked and "sort=filed" in bookmarked
    page.goto("/staff")
    page.goto(bookmarked)
    expect(page.get_by_label("企业名称、统一社会信用代码或申请编号")).to_have_value("玉川")
    expect(page.get_by_label("政策")).to_have_value(POLICY)
    expect(rows).to_have_count(OTHERS)
    expect(rows.first).to_contain_text(f"#{first_filed}")
    expect(rows.first.locator(".amount")).to_contain_text("100,000.00 元")

    page.goto("/staff/claims?filed_from=2026-02-30")
    expect(page.get_by_role("heading", name="网址有误")).to_be_visible()
