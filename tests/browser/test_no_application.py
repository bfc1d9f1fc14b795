"""A 免申即享 list in a real browser, at desktop and phone widths: staff propose it with the
evidence of every criterion and start its 公示; anyone reads the 公示 with names masked; the
enterprise on it confirms the account it is paid to. Nothing is wider than the screen."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from matcher.app import create_app
from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import make_engine, session_scope
from matcher.demo import with_demo_founder
from matcher.enterprises.repository import EnterpriseRepository
from matcher.migrate import upgrade
from tests.browser.conftest import DEMO, PASSWORD, served
from tests.browser.test_scenarios import _sign_in
from tests.no_application.policy_files import write_catalog

Screenshot = Callable[[str], None]
POLICY = "测试免申即享补贴"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """An app of its own for each test: the demo enterprise, its account and a staff account,
    on a catalog with one 免申即享 policy (a test policy: the 2020 plan designates none)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(with_demo_founder(DEMO), "registration", "seed")
        create_account(session, "yinhui", PASSWORD, Role.ENTERPRISE, "银辉新材料", DEMO.uscc)
        create_account(session, "wangfang", PASSWORD, Role.STAFF, "王芳")
    config = Settings(
        database_url=str(engine.url),
        environment="test",
        materials_dir=tmp_path / "materials",
        login_attempts_per_username=1000,
        login_attempts_per_client=1000,
    )
    with served(create_app(config, engine, write_catalog(tmp_path / "policies"))) as url:
        yield url
    engine.dispose()


def _fits(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_list_from_proposal_to_the_enterprise_confirming_its_account(
    page: Page, screenshot: Screenshot
) -> None:
    assert DEMO.name is not None
    _sign_in(page, "wangfang")
    page.goto("/staff/no-application")
    expect(page.get_by_role("heading", name="免申即享名单", level=1)).to_be_visible()
    page.get_by_label("政策").select_option(label=POLICY)
    page.get_by_role("button", name="生成拟兑现名单").click()
    expect(page).to_have_url(re.compile(r"/staff/no-application/[0-9]+$"))
    row = page.locator("table.payable-entries tbody tr").first
    expect(row).to_contain_text(DEMO.name)
    expect(row).to_contain_text("3000.00")
    expect(row.locator('td[data-label="收款账户"]')).to_have_text("待企业确认")
    row.locator("summary").click()
    evidence = row.locator("details ul").first
    expect(evidence).to_contain_text("经营状态：在营 — 登记注册信息")  # the word, not the code
    _fits(page)
    screenshot("no-application-list")

    page.get_by_role("button", name="开始公示").click()
    expect(page.locator("p.lead")).to_contain_text("公示期")
    page.get_by_role("button", name="批量批准").click()
    expect(page.get_by_role("alert")).to_contain_text("起方可批准")
    page.get_by_role("link", name="公示页面").click()
    expect(page).to_have_url(re.compile(r"/public-notices/[0-9]+$"))
    expect(page.locator("main")).to_contain_text("济源**材料有限公司")
    expect(page.locator("main")).not_to_contain_text(DEMO.name)
    _fits(page)
    screenshot("no-application-public-notice")

    page.context.clear_cookies()
    _sign_in(page, "yinhui")
    page.goto("/me/no-application")
    entry = page.locator("section.no-application-entry")
    expect(entry.get_by_role("heading", level=2)).to_have_text(f"{POLICY}：3000.00 元")
    entry.get_by_label("户名").fill("济源市银辉新材料有限公司")
    entry.get_by_label("开户行").fill("中国工商银行济源分行")
    entry.get_by_label("账号").fill("1712 0000 0912 3456 789")
    entry.get_by_role("button", name="确认收款账户").click()
    expect(page.locator("section.no-application-entry")).to_contain_text(
        "已确认收款账户：济源市银辉新材料有限公司 中国工商银行济源分行 1712 **** **** 6789"
    )
    _fits(page)
    screenshot("no-application-payee")
