"""Checking a code: what the public page certifies, and what it refuses."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from matcher import clock
from matcher.app import create_app
from matcher.config import Settings
from matcher.documents import service
from matcher.documents.codes import ALPHABET
from matcher.payouts.tables import Claim, Decision
from matcher.policies.catalog import Catalog
from tests.conftest import ENTERPRISE_USCC, Api
from tests.documents.conftest import Claims, decided, pdf_text, reversed_

UNKNOWN = "无法核验"


def _code_on(content: bytes) -> str:
    found = re.search(r"核验码：([RD]-\d+-[0-9A-Z]{4}-[0-9A-Z]{4})", pdf_text(content))
    assert found is not None
    return found.group(1)


def _verdict(api: Api, code: str) -> str:
    """The verdict section of the page for ``code``, its markup collapsed."""
    response = api.client.get("/verify", params={"code": code})
    assert response.status_code == 200, response.text
    section = re.search(r'<section class="verdict".*?</section>', response.text, re.S)
    assert section is not None
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())


def _decision_code(api: Api, decision_id: int) -> str:
    with Session(api.engine) as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        return service.decision_code(decision)


def _altered(code: str) -> str:
    """``code`` with its last character changed to another of the alphabet."""
    last = code[-1]
    return code[:-1] + ALPHABET[(ALPHABET.index(last) + 1) % len(ALPHABET)]


def test_a_receipt_code_certifies_the_claim_without_private_data(
    window: Api, claim: Claims
) -> None:
    claim_id = claim()
    pdf = window.client.get(
        f"/api/v1/claims/{claim_id}/receipt.pdf", headers=window.headers("enterprise")
    )
    code = _code_on(pdf.content)
    shown = _verdict(window, code)
    assert shown.startswith("核验通过：这是兑现专窗出具的受理回执")
    assert "企业 测试**000C" in shown
    assert "政策 产学研合作及科技成果交易补助" in shown
    assert f"申请编号 {claim_id}" in shown and f"申请日期 {clock.today()}" in shown
    page = window.client.get("/verify", params={"code": code}).text
    assert ENTERPRISE_USCC not in page and "测试企业000C" not in page
    assert _verdict(window, code.lower().replace("-", " - ")) == shown  # typed loosely


def test_a_decision_code_certifies_the_amount_and_that_the_record_verifies(
    window: Api, claim: Claims
) -> None:
    claim_id = claim()
    decision = decided(window, claim_id, kind="approve", amount="150000")
    pdf = window.client.get(
        f"/api/v1/claims/{claim_id}/decisions/{decision['id']}.pdf",
        headers=window.headers("enterprise"),
    )
    code = _code_on(pdf.content)
    assert code.startswith(f"D-{decision['sequence']}-")
    shown = _verdict(window, code)
    assert shown.startswith("核验通过：这是兑现专窗出具的决定书")
    assert "决定 批准" in shown and "兑现金额 150,000.00 元" in shown
    assert f"账本记录 第 {decision['sequence']} 号，记录完整，与账本一致" in shown
    assert "现状 有效，未被冲正" in shown


def test_a_rejection_code_shows_no_reason(window: Api, claim: Claims) -> None:
    claim_id = claim()
    decision = decided(window, claim_id, kind="reject", reason="合同未经登记机构登记")
    code = _decision_code(window, decision["id"])
    shown = _verdict(window, code)
    assert "决定 驳回" in shown and "兑现金额" not in shown
    assert "合同未经登记机构登记" not in window.client.get("/verify", params={"code": code}).text


def test_a_reversed_approval_shows_as_reversed(window: Api, claim: Claims) -> None:
    claim_id = claim()
    approval = decided(window, claim_id, kind="approve", amount="200000")
    reversal = reversed_(window, approval["id"])
    code = _decision_code(window, approval["id"])
    reversal_code = _decision_code(window, reversal["id"])
    assert f"现状 该批准已于 {clock.today()} 冲正（撤销），不再有效" in _verdict(window, code)
    # A reversal has no 决定书: a code made for it certifies nothing.
    assert _verdict(window, reversal_code).startswith(UNKNOWN)
    pdf = window.client.get(
        f"/api/v1/claims/{claim_id}/decisions/{reversal['id']}.pdf", headers=window.headers("staff")
    )
    assert pdf.status_code == 404


def test_a_record_changed_in_the_database_no_longer_verifies(window: Api, claim: Claims) -> None:
    claim_id = claim()
    approval = decided(window, claim_id, kind="approve", amount="100000")
    code = _decision_code(window, approval["id"])
    with window.engine.begin() as connection:
        connection.execute(
            text("UPDATE decisions SET amount = 300000 WHERE id = :id"), {"id": approval["id"]}
        )
    shown = _verdict(window, code)
    assert shown.startswith("核验未通过：记录已被改动")
    assert f"账本记录第 {approval['sequence']} 号" in shown
    assert "300,000" not in shown and "100,000" not in shown


def test_a_forged_code_and_a_code_of_no_record_get_one_answer(window: Api, claim: Claims) -> None:
    claim_id = claim()
    approval = decided(window, claim_id, kind="approve", amount="100000")
    code = _decision_code(window, approval["id"])
    with Session(window.engine) as session:
        filed = session.get(Claim, claim_id)
        assert filed is not None
        receipt = service.receipt_code(filed)
    forged, missing = _altered(code), code.replace(f"D-{approval['sequence']}-", "D-999-")
    answers = {
        _verdict(window, typed).replace(typed, "…")
        for typed in (forged, missing, _altered(receipt), "R-999-ABCD-EFGH", "garbage")
    }
    assert len(answers) == 1
    (answer,) = answers
    assert answer.startswith(UNKNOWN) and "核验码“…”不是兑现专窗出具的文件的核验码" in answer


def test_the_form_alone_checks_nothing(window: Api) -> None:
    response = window.client.get("/verify")
    assert response.status_code == 200
    assert 'name="code"' in response.text and 'class="verdict"' not in response.text


def test_checks_are_rate_limited_per_client(window: Api, api_catalog: Catalog) -> None:
    config = Settings(database_url="sqlite://", calculator_rate_limit=2)
    with TestClient(create_app(config, window.engine, api_catalog)) as client:
        assert client.get("/verify").status_code == 200  # the form is not counted
        for _ in range(2):
            assert client.get("/verify", params={"code": "R-1-ABCD-EFGH"}).status_code == 200
        refused = client.get("/verify", params={"code": "R-1-ABCD-EFGH"})
        assert refused.status_code == 429
        assert "核验次数已达每分钟上限" in refused.text
        assert int(refused.headers["retry-after"]) > 0
