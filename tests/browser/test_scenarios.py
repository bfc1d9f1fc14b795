"""Three people using the site in a real browser, on a desktop and on a phone screen."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

Screenshot = Callable[[str], None]
PASSWORD = "correct-horse-42"


def _sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_visitor_uses_the_calculator(page: Page, screenshot: Screenshot) -> None:
    page.goto("/")
    page.get_by_role("link", name="政策计算器").first.click()
    expect(page.get_by_role("heading", name="政策计算器")).to_be_visible()
    page.get_by_label("统一社会信用代码", exact=True).fill("91419001MA4000000C")
    page.get_by_label("市场主体类型").select_option(label="企业（公司等）")
    page.get_by_label("登记注册日期").fill("2019-09-16")
    page.get_by_label("经营状态").select_option(label="在营")
    page.get_by_label("国民经济行业代码").fill("C3252")
    page.get_by_label("从业人数", exact=True).fill("86")
    page.get_by_label("营业收入（元）").fill("38,600,000")
    page.get_by_label("资产总额（元）").fill("42000000")
    page.get_by_label("财务数据所属年度").fill("2020")
    page.get_by_label("年应纳税所得额（元）").fill("2400000")
    page.get_by_label("从业人数（全年季度平均值）").fill("84.25")
    page.get_by_label("资产总额（全年季度平均值，元）").fill("40500000")
    page.get_by_label("从事国家限制或禁止行业").select_option(label="否")
    page.get_by_label("入驻济源创业孵化基地").select_option(label="是")
    page.get_by_label("创业者为首次创业").select_option(label="是")
    page.get_by_label("评估日期").fill("2020-08-01")
    screenshot("calculator-form")
    page.get_by_role("button", name="测算可享受的政策").click()

    expect(page.locator(".derived")).to_contain_text("小型")
    expect(page.locator(".derived")).to_contain_text("减免 410,000.00 元")
    startup = page.locator("#policy-startup-subsidy")
    expect(startup).to_contain_text("可于 2020-09-16 起申请")
    expect(startup).to_contain_text("5,000.00 元")
    tax = page.locator("#policy-small-low-profit-income-tax")
    expect(tax).to_contain_text("符合条件")
    expect(tax).to_contain_text("410,000.00 元")
    expect(page.locator(".group-undetermined")).to_contain_text("请补充：")
    screenshot("calculator-result")


def test_an_enterprise_sees_its_homepage(page: Page, screenshot: Screenshot) -> None:
    _sign_in(page, "yinhui")
    expect(page).to_have_url("/me")
    expect(page.get_by_role("heading", name="济源市银辉新材料有限公司")).to_be_visible()
    tax = page.locator("#policy-small-low-profit-income-tax")
    expect(tax).to_contain_text("符合条件")
    expect(tax).to_contain_text("410,000.00 元")
    expect(page.locator(".profile")).to_contain_text("登记注册信息")
    expect(page.locator(".site-header")).to_contain_text("银辉新材料（企业）")
    screenshot("enterprise-home")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="登录")).to_be_visible()


def test_staff_find_an_enterprise_and_open_it(page: Page, screenshot: Screenshot) -> None:
    _sign_in(page, "wangfang")
    expect(page).to_have_url("/staff")
    page.get_by_label("按企业名称或统一社会信用代码查找").fill("玉川")
    page.get_by_role("button", name="查找").click()
    screenshot("staff-search")
    page.get_by_role("link", name="济源市玉川食品有限公司").click()
    expect(page).to_have_url("/staff/enterprises/91419001MA4000001F")
    expect(page.get_by_role("heading", name="济源市玉川食品有限公司")).to_be_visible()
    expect(page.locator(".profile")).to_contain_text("税务数据")
    expect(page.locator(".group-undetermined")).to_contain_text("请补充：")
    screenshot("staff-enterprise")


def test_the_calculator_suggests_the_industry_while_typing(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/calculator")
    page.get_by_label("经营范围").fill("钢材压延加工；金属结构制造；钢丝绳及其制品销售")
    suggestion = page.get_by_role("button", name=re.compile(r"^C 制造业（"))
    expect(suggestion).to_be_visible()
    screenshot("calculator-suggestion")
    suggestion.click()
    expect(page.get_by_label("国民经济行业代码")).to_have_value("C")
    page.get_by_label("从业人数", exact=True).fill("60")
    page.get_by_label("营业收入（元）").fill("30000000")
    page.get_by_role("button", name="测算可享受的政策").click()
    expect(page.locator(".derived")).to_contain_text("小型")
