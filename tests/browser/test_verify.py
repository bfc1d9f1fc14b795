"""Documents in a real browser: an enterprise downloads the 决定书 of its rejected claim, and
anyone checks its code on the public verification page; a made-up code is not verified."""

import io
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from matcher.documents.codes import ALPHABET
from tests.browser.test_scenarios import _sign_in
from tests.browser.test_window import _file_claim

Screenshot = Callable[[str], None]
CODE = re.compile(r"核验码：(D-\d+-[0-9A-Z]{4}-[0-9A-Z]{4})")


def _rejected_claim(page: Page, viewport: str, screenshot: Screenshot) -> str:
    """A claim of the demo enterprise, rejected by staff (a rejection commits no limit, so the
    other scenarios' approvals are untouched); its number."""
    claim_id = _file_claim(page, viewport, screenshot)
    _sign_in(page, "wangfang")
    page.goto(f"/staff/claims/{claim_id}")
    page.get_by_label("理由", exact=True).fill("创业者已在其他企业申领过开业补贴")
    page.get_by_role("button", name="驳回").click()
    expect(page.locator(".history")).to_contain_text("驳回")
    page.get_by_role("button", name="退出").click()
    return claim_id


def test_an_enterprise_downloads_its_decision_and_anyone_verifies_it(
    page: Page, viewport: str, screenshot: Screenshot
) -> None:
    claim_id = _rejected_claim(page, viewport, screenshot)
    _sign_in(page, "yinhui")
    page.goto(f"/me/claims/{claim_id}")
    row = page.locator(".history tbody tr").last
    expect(row).to_contain_text("驳回")
    with page.expect_download() as downloading:
        row.get_by_role("link", name="下载 PDF").click()
    download = downloading.value
    assert re.fullmatch(r"决定书-申请\d+-第\d+号\.pdf", download.suggested_filename)
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = "".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "惠企政策兑现不予批准决定书" in text and "创业者已在其他企业申领过开业补贴" in text
    found = CODE.search(text)
    assert found is not None
    code = found.group(1)

    page.get_by_role("button", name="退出").click()
    page.goto("/verify")
    page.get_by_label("核验码").fill(code.lower())  # typed as read, in any case
    page.get_by_role("button", name="核验").click()
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("核验通过：这是兑现专窗出具的决定书")
    expect(verdict).to_contain_text("驳回")
    expect(verdict).to_contain_text("济源**材料有限公司")
    expect(verdict).not_to_contain_text("创业者已在其他企业申领过开业补贴")
    assert f"code={code.lower()}" in page.url  # bookmarkable
    screenshot("verify-genuine")

    forged = code[:-1] + ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    page.get_by_label("核验码").fill(forged)
    page.get_by_role("button", name="核验").click()
    expect(verdict).to_contain_text("无法核验")
    expect(verdict).not_to_contain_text("决定书")
    screenshot("verify-bogus")
