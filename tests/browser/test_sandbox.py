"""A policy officer tries a draft in the 政策沙盘 (issue 16), at desktop and phone widths: starts
from the current 开业补贴, doubles its amount under a budget, reads the figures and who gains;
then a draft with a type error, refused with its line. Screenshots go to the test's tmp dir."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_scenarios import _sign_in


def _fits_the_width(page: Page) -> bool:
    overflow: bool = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return overflow


def test_an_officer_tries_a_draft(page: Page, viewport: str, tmp_path: Path) -> None:
    _sign_in(page, "wangfang")
    page.get_by_role("link", name="政策沙盘").click()
    expect(page.get_by_role("heading", name="政策沙盘", exact=True)).to_be_visible()
    page.get_by_label("从现有政策开始").select_option("startup-subsidy")
    page.get_by_role("button", name="载入现行版本").click()

    draft = page.get_by_label("政策草案（YAML）")
    text = draft.input_value()
    assert 'amount: "5000"' in text
    draft.fill(text.replace('amount: "5000"', 'amount: "10000"\n  budget: 15000'))
    page.get_by_label("评估日期").fill("2026-01-01")
    page.get_by_role("button", name="试算").click()

    expect(page.get_by_role("heading", name="试算结果：一次性开业补贴")).to_be_visible()
    expect(page.get_by_text("资金总额 15,000.00 元")).to_be_visible()
    gainers = page.locator("section", has=page.get_by_role("heading", name="受益企业"))
    expect(gainers.get_by_role("link", name="济源市银辉新材料有限公司")).to_be_visible()
    expect(gainers.get_by_text("+5,000.00 元").first).to_be_visible()
    expect(page.get_by_role("heading", name="受损企业（共 0 家）")).to_be_visible()
    assert _fits_the_width(page)
    page.screenshot(path=tmp_path / f"sandbox-result-{viewport}.png", full_page=True)

    draft = page.get_by_label("政策草案（YAML）")
    draft.fill(draft.input_value().replace('amount: "10000"', "amount: enterprise.name"))
    page.get_by_role("button", name="试算").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("草案未通过检查：1 处错误")
    expect(problems).to_contain_text("catalog/jiyuan-2020/startup-subsidy.yaml:30")
    expect(problems).to_contain_text("表达式的结果是文本（表达式：enterprise.name）")
    assert _fits_the_width(page)
    page.screenshot(path=tmp_path / f"sandbox-refused-{viewport}.png", full_page=True)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        f"sandbox-refused-{viewport}.png",
        f"sandbox-result-{viewport}.png",
    ]
