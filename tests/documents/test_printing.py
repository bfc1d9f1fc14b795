"""The PDFs as an enterprise reads them: the wording, the amount, the code, the font embedded."""

from tests.conftest import Api
from tests.documents.conftest import Claims, decided, fonts_of, money, pdf_text

RECEIPT = "/api/v1/claims/{}/receipt.pdf"
DECISION = "/api/v1/claims/{}/decisions/{}.pdf"


def test_a_receipt_states_the_claim_as_filed(window: Api, claim: Claims) -> None:
    claim_id = claim()
    response = window.client.get(RECEIPT.format(claim_id), headers=window.headers("enterprise"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="receipt-claim-{claim_id}.pdf"; '
        f"filename*=UTF-8''%E5%8F%97%E7%90%86%E5%9B%9E%E6%89%A7-%E7%94%B3%E8%AF%B7{claim_id}.pdf"
    )
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    for expected in (
        "惠企政策兑现申请受理回执",
        "测试企业000C",
        "914190********000C",
        "产学研合作及科技成果交易补助",
        "济管办〔2020〕15号",
        "第13条",
        f"申请编号{claim_id}",
        "本政策未规定办理时限",
        "经技术合同登记机构登记的技术开发合同或成果、专利转让合同",
        "技术成果交易额的付款凭证及发票",
        "济源示范区惠企政策兑现专窗",
        f"核验码：R-{claim_id}-",
    ):
        assert expected in text, expected
    assert "91419001MA4000000C" not in text


def test_an_approval_states_the_amount_the_clauses_and_its_record(
    window: Api, claim: Claims
) -> None:
    claim_id = claim()
    decision = decided(window, claim_id, kind="approve", amount="200000")
    response = window.client.get(
        DECISION.format(claim_id, decision["id"]), headers=window.headers("enterprise")
    )
    assert response.status_code == 200, response.text
    text = pdf_text(response.content)
    sequence = decision["sequence"]
    for expected in (
        "惠企政策兑现批准决定书",
        "决定予以批准",
        money("200000"),
        f"账本记录第{sequence}号",
        "对济源企业与高等院校、科研院所建立产学研合作关系",  # the article
        "每个项目最多30万元",  # the limit it was checked against
        "（北京时间）",
        f"核验码：D-{sequence}-",
    ):
        assert expected in text, expected
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="decision-claim-{claim_id}-{sequence}.pdf"'
    )


def test_a_rejection_and_a_request_for_materials_state_their_reasons(
    window: Api, claim: Claims
) -> None:
    claim_id = claim()
    asked = decided(window, claim_id, kind="request_materials", reason="请补充技术合同登记证明")
    rejected = decided(window, claim_id, kind="reject", reason="合同未经登记机构登记")
    staff = window.headers("staff")
    text = pdf_text(
        window.client.get(DECISION.format(claim_id, asked["id"]), headers=staff).content
    )
    assert "惠企政策兑现补充材料决定书" in text and "请补充技术合同登记证明" in text
    assert "本政策的申请材料1.经技术合同登记机构登记的技术开发合同或成果、专利转让合同" in text
    text = pdf_text(
        window.client.get(DECISION.format(claim_id, rejected["id"]), headers=staff).content
    )
    assert "惠企政策兑现不予批准决定书" in text and "决定不予批准" in text
    assert "理由合同未经登记机构登记" in text


def test_a_reason_typed_over_lines_stays_one_value(window: Api, claim: Claims) -> None:
    """A reason cannot start a line of the template's marks (a title, a row)."""
    claim_id = claim()
    decision = decided(
        window, claim_id, kind="reject", reason="第一行\n# 伪造的标题\n| 金额 | 1 元"
    )
    content = window.client.get(
        DECISION.format(claim_id, decision["id"]), headers=window.headers("staff")
    ).content
    assert "第一行#伪造的标题|金额|1元" in pdf_text(content)


def test_the_font_is_embedded_as_a_subset(window: Api, claim: Claims) -> None:
    claim_id = claim()
    content = window.client.get(
        RECEIPT.format(claim_id), headers=window.headers("enterprise")
    ).content
    (font,) = fonts_of(content)
    assert font["subtype"] == "/Type0"
    prefix, _, family = font["name"].lstrip("/").partition("+")
    assert len(prefix) == 6 and prefix.isupper() and family == "WenQuanYiMicroHei"
    assert "/FontFile2" in font["descriptor"]
    assert len(content) < 200_000  # the subset, not the 5 MB collection
