"""Materials and 补正 in a real browser: the enterprise uploads a material against its claim's
list, staff ask for more by a day, and the enterprise uploads again and resubmits."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.db import make_engine, session_scope
from matcher.payouts import service
from matcher.payouts.payee import Payee
from tests.browser.conftest import DEMO, FOUNDERS
from tests.browser.test_scenarios import _sign_in
from tests.materials.conftest import PDF, PNG

Screenshot = Callable[[str], None]
ASKED = "请补充付款凭证，并写明与合同的对应关系"


@pytest.fixture
def claim_id(base_url: str, app_database_url: str, viewport: str) -> int:
    """A start-up subsidy claim of the demo enterprise, filed at the window for it."""
    engine = make_engine(app_database_url)
    staff = Principal(Role.STAFF, None, "王芳", "seed")
    payee = Payee("济源市银辉新材料有限公司", "中国工商银行济源分行", "6222021234567890123")
    with session_scope(engine) as session:
        claim = service.file_claim(
            session,
            DEMO.uscc,
            "startup-subsidy",
            {"founder_id_number": FOUNDERS[viewport]},
            None,
            staff,
            payee=payee,
        )
        assert claim.id is not None
        filed = claim.id
    engine.dispose()
    return filed


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def test_upload_request_and_resubmit(page: Page, claim_id: int, screenshot: Screenshot) -> None:
    _sign_in(page, "yinhui")
    page.goto(f"/me/claims/{claim_id}")
    first = page.locator("#item-0")
    expect(first).to_contain_text("未收到")
    first.get_by_label("选择文件").set_input_files(
        {"name": "毕业证.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    first.get_by_role("button", name="上传").click()
    expect(page.locator("#item-0")).to_contain_text("毕业证.pdf")
    expect(page.locator("#materials-title")).to_contain_text("已收 1/7 项")
    second = page.locator("#item-1")
    second.get_by_label("选择文件").set_input_files(
        {"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}
    )
    second.get_by_role("button", name="上传").click()
    expect(page.locator("#item-1 .error")).to_contain_text("只接受 PDF、OFD、JPG、PNG 文件")
    expect(page.locator("#materials-title")).to_contain_text("已收 1/7 项")
    screenshot("materials-enterprise")
    _sign_out(page)

    _sign_in(page, "wangfang")
    page.goto(f"/staff/claims/{claim_id}")
    expect(page.locator("#item-0")).to_contain_text("毕业证.pdf")
    expect(page.locator("#item-0").get_by_role("link", name="毕业证.pdf")).to_have_attribute(
        "href", re.compile(rf"^/staff/claims/{claim_id}/materials/[0-9]+$")
    )
    respond_by = clock.today() + timedelta(days=10)
    page.get_by_label("理由").fill(ASKED)
    page.get_by_label("补正期限").fill(respond_by.isoformat())
    page.get_by_role("button", name="要求补充材料").click()
    expect(page.locator(".claim-summary")).to_contain_text("待补充材料")
    screenshot("materials-staff-requested")
    _sign_out(page)

    _sign_in(page, "yinhui")
    page.goto(f"/me/claims/{claim_id}")
    notice = page.locator(".materials-request")
    expect(notice).to_contain_text(ASKED)
    expect(notice).to_contain_text(f"补正期限：{respond_by} 前")
    expect(page.locator(".claim-stage")).to_contain_text("暂停计时")
    screenshot("materials-requested")
    second = page.locator("#item-1")
    second.get_by_label("选择文件").set_input_files(
        {"name": "身份证.png", "mimeType": "image/png", "buffer": PNG}
    )
    second.get_by_role("button", name="上传").click()
    expect(page.locator("#materials-title")).to_contain_text("已收 2/7 项")
    page.get_by_role("button", name="重新提交").click()
    expect(page.locator(".claim-stage")).to_contain_text("待审核")
    expect(page.locator(".materials-request")).to_have_count(0)
    steps = page.locator("#timeline li strong")
    expect(steps).to_have_text(
        ["提交申请", "上传材料", "要求补充材料", "上传材料", "补正后重新提交"]
    )
    screenshot("materials-resubmitted")
