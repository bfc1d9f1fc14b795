"""An enterprise corrects a fact it declares itself and sees where each fact came from, on a
desktop and a phone."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

Screenshot = Callable[[str], None]
PASSWORD = "correct-horse-42"


def test_an_enterprise_corrects_its_own_facts(page: Page, screenshot: Screenshot) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill("yinhui")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="更正企业信息").click()
    expect(page.get_by_role("heading", name="更正企业信息")).to_be_visible()
    expect(page.get_by_label("登记注册日期")).to_have_count(0)
    fixed = page.locator("section[aria-labelledby=fixed-title]")
    expect(fixed).to_contain_text("提供部门：市场监管部门")
    page.get_by_label("所在片区/镇/街道").fill("承留镇")
    screenshot("corrections-form")
    page.get_by_role("button", name="保存更正").click()
    expect(page.get_by_role("status")).to_contain_text("更正已保存")
    expect(page.get_by_label("所在片区/镇/街道")).to_have_value("承留镇")
    row = page.get_by_role("row").filter(has=page.get_by_label("所在片区/镇/街道"))
    expect(row).to_contain_text("企业自行申报")
    screenshot("corrections-saved")
