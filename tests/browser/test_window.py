"""The policy window in a real browser: an enterprise files a claim from its homepage; a staff
member files a late one for another enterprise, then finds the first in the queue, reviews it
and approves it."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import FOUNDERS
from tests.browser.test_scenarios import _sign_in

Screenshot = Callable[[str], None]
OTHER_USCC = "91419001MA4000001F"


def _file_claim(page: Page, viewport: str, screenshot: Screenshot) -> str:
    """File a startup-subsidy claim as the demo enterprise; the claim's number."""
    _sign_in(page, "yinhui")
    page.locator("#policy-startup-subsidy").get_by_role("link", name="申请兑现").click()
    expect(page.get_by_role("heading", name="申请兑现：一次性开业补贴")).to_be_visible()
    page.get_by_label("申领创业者（身份证号）").fill(FOUNDERS[viewport])
    page.get_by_label("户名").fill("济源市银辉新材料有限公司")
    page.get_by_label("开户行").fill("中国工商银行济源分行")
    page.get_by_label("账号").fill("1712 0000 0912 3456 789")
    screenshot("claim-form")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".claim-summary")).to_contain_text("待审核")
    expect(page.locator("body")).not_to_contain_text(FOUNDERS[viewport])
    claim_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="退出").click()
    return claim_id


def test_staff_review_and_approve_a_claim(
    page: Page, viewport: str, screenshot: Screenshot
) -> None:
    claim_id = _file_claim(page, viewport, screenshot)
    _sign_in(page, "wangfang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待办申请").click()
    expect(page.get_by_role("heading", name="待办申请")).to_be_visible()
    row = page.locator("tr", has_text=f"#{claim_id}")
    expect(row).not_to_contain_text("逾期")
    expect(row).to_contain_text("济源市银辉新材料有限公司")
    expect(row).to_contain_text("待审核")
    screenshot("staff-queue")

    row.get_by_role("link", name="一次性开业补贴").click()
    expect(page.get_by_role("heading", name="一次性开业补贴")).to_be_visible()
    expect(page.locator(".verification")).to_contain_text("自登记注册之日起经营满1年")
    expect(page.locator(".verification")).to_contain_text(
        "原文：自工商登记注册之日起正常经营1年以上"
    )
    expect(page.locator(".limits")).to_contain_text("剩余1 次")
    expect(page.get_by_label("批准金额（元）")).to_have_value("5000.00")
    screenshot("staff-claim")

    page.get_by_role("button", name="批准").click()
    expect(page.get_by_role("heading", name="确认批准")).to_be_visible()
    expect(page.locator("body")).to_contain_text("人民币伍仟元整")
    page.get_by_role("button", name="确认批准").click()
    history = page.locator(".history")
    expect(history).to_contain_text("批准")
    expect(history).to_contain_text("5,000.00 元")
    expect(history).to_contain_text("王芳")
    expect(page.locator(".claim-summary")).to_contain_text("已批准")
    expect(page.get_by_role("heading", name="冲正")).to_be_visible()
    screenshot("staff-claim-approved")

    # Paid once per enterprise: reversing frees the limit (and the next viewport's run).
    page.get_by_label("冲正理由").fill("重复申请，冲正后重新审核")
    page.get_by_role("button", name="冲正").click()
    expect(history).to_contain_text("冲正")
    expect(page.locator(".claim-summary")).to_contain_text("待审核")
