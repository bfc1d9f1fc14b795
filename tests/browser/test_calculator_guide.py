"""A visitor submits the calculator empty, is told which facts to fill in first, fills them in
(money in 万元, founders without ID numbers) and gets the entitlements, on a desktop and a phone."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

Screenshot = Callable[[str], None]


def test_an_empty_calculator_guides_then_answers(page: Page, screenshot: Screenshot) -> None:
    page.goto("/calculator")
    page.get_by_label("评估日期").fill("2020-10-01")
    page.get_by_role("button", name="测算可享受的政策").click()

    guide = page.locator("#guide")
    expect(guide.get_by_role("heading", name="请先填写这几项信息")).to_be_visible()
    questions = guide.get_by_role("listitem")
    expect(questions).to_have_count(8)
    expect(questions.first).to_have_text("国民经济行业代码（5 项政策需要）")
    expect(page.locator(".group-undetermined")).to_have_count(0)
    screenshot("calculator-guide")

    guide.get_by_role("link", name="国民经济行业代码").click()
    expect(page.get_by_label("国民经济行业代码")).to_be_in_viewport()
    page.get_by_label("国民经济行业代码").fill("C3252")
    page.get_by_label("登记机关所在地（行政区划代码）").fill("419001")
    page.get_by_label("经营状态").select_option(label="在营")
    page.get_by_label("市场主体类型").select_option(label="企业（公司等）")
    page.get_by_label("登记注册日期").fill("2019-09-16")
    page.get_by_label("从业人数", exact=True).fill("86")
    page.get_by_label("营业收入（元）").fill("3860万元")
    page.get_by_label("资产总额（元）").fill("4200万")
    page.get_by_label("入驻济源创业孵化基地").select_option(label="是")
    page.get_by_label("创业者人数").fill("2")
    page.get_by_label("创业者为首次创业").select_option(label="是")
    page.get_by_label("申请创业者所属就业创业扶持群体").select_option(label="返乡创业农民工")
    page.get_by_label("技术成果交易额（元）").fill("100万元")
    screenshot("calculator-guide-filled")
    page.get_by_role("button", name="测算可享受的政策").click()

    expect(page.locator(".derived")).to_contain_text("营业收入 3860 万元")
    expect(page.locator(".derived")).to_contain_text("小型")
    expect(page.locator("#guide")).to_have_count(0)
    startup = page.locator("#policy-startup-subsidy")
    expect(startup).to_contain_text("符合条件")
    expect(startup).to_contain_text("5,000.00 元")
    expect(page.locator("#policy-tech-transfer-subsidy")).to_contain_text("200,000.00 元")
    screenshot("calculator-guide-result")
