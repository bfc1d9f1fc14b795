import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import FactRecord
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.schema import rule_type

CsrfOf = Callable[[str], str]

DEMO_FORM = {
    "uscc": "91419001MA4000000C",
    "registration_area": "419001",
    "entity_type": "company",
    "registered_on": "2019-09-16",
    "operating_status": "operating",
    "industry_code": "C3252",
    "employees": "86",
    "operating_revenue": "38,600,000",
    "total_assets": "42000000",
    "fiscal_year": "2020",
    "annual_taxable_income": "2400000.00",
    "average_employees": "84.25",
    "average_total_assets": "40500000",
    "restricted_industry": "false",
    "in_incubation_base": "true",
    "founder_first_time": "true",
    "as_of": "2020-08-01",
}


def field_block(html: str, name: str) -> str:
    """The markup of one form field: its label, input, hint and error."""
    found = re.search(
        rf'<div class="field[^"]*">\s*<label for="f-{name}">.*?</div>', html, re.DOTALL
    )
    assert found is not None, f"no field {name}"
    return found.group(0)


def section(html: str, heading_id: str) -> str:
    found = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}">.*?</section>', html, re.DOTALL
    )
    assert found is not None, f"no section {heading_id}"
    return found.group(0)


def test_the_form_asks_for_every_profile_fact(client: TestClient) -> None:
    response = client.get("/calculator")
    assert response.status_code == 200
    html = response.text
    for name, info in EnterpriseProfile.model_fields.items():
        if rule_type(info.annotation) is not None:
            assert f'name="{name}"' in html, name
    assert 'name="founder_first_time"' in html
    assert 'name="as_of"' in html
    assert 'name="csrf_token"' in html
    assert '<option value="">未知</option>' in html


def test_a_profile_gives_its_entitlements_grouped_with_reasons(
    client: TestClient, csrf: CsrfOf
) -> None:
    response = client.post("/calculator", data={"csrf_token": csrf("/calculator"), **DEMO_FORM})
    assert response.status_code == 200
    html = response.text
    assert "工业：从业人员 86 人（≥20），营业收入 3860 万元（≥300）→ 小型" in html
    assert "2020 年度应纳企业所得税 190,000.00 元，减免 410,000.00 元" in html
    eligible = section(html, "group-eligible")
    assert "小型微利企业所得税优惠" in eligible
    assert "410,000.00 元" in eligible
    refused = section(html, "group-not_eligible")
    assert "一次性开业补贴" in refused
    assert "可于 2020-09-16 起申请" in refused
    assert "5,000.00 元" in refused
    assert "自登记注册之日起经营满1年" in refused
    assert "（2020-09-16 起满足）" in refused
    assert "登记注册日期：2019-09-16" in refused, "the values the criterion saw"
    assert "自工商登记注册之日起正常经营1年以上" in refused, "the source clause"
    waiting = section(html, "group-undetermined")
    assert "请补充：" in waiting
    assert "申请时需提供：技术成果交易额（元）" in waiting
    for mark in ("✓", "✗", "?"):
        assert f'<span class="mark" aria-hidden="true">{mark}</span>' in html


def test_an_empty_form_is_answered_with_the_facts_to_fill_in_first(
    client: TestClient, csrf: CsrfOf
) -> None:
    response = client.post(
        "/calculator", data={"csrf_token": csrf("/calculator"), "as_of": "2020-08-01"}
    )
    assert response.status_code == 200
    html = response.text
    guide = section(html, "guide-title")
    assert "请先填写这几项信息" in guide
    items = re.findall(r"<li>(.*?)</li>", guide)
    assert items[:3] == [
        '<a href="#f-industry_code">国民经济行业代码</a>（5 项政策需要）',
        '<a href="#f-registration_area">登记机关所在地（行政区划代码）</a>（4 项政策需要）',
        '<a href="#f-operating_status">经营状态</a>（4 项政策需要）',
    ]
    assert len(items) == 8
    assert 'id="group-undetermined"' not in html, "no list of undecided policies"
    assert 'name="industry_code"' in html, "the form follows the guidance"


def test_unknown_facts_become_questions(client: TestClient, csrf: CsrfOf) -> None:
    response = client.post(
        "/calculator",
        data={"csrf_token": csrf("/calculator"), "name": "某公司", "as_of": "2020-08-01"},
    )
    assert response.status_code == 200
    html = response.text
    assert 'id="group-eligible"' not in html
    assert 'id="guide"' not in html
    assert "请补充：从业人数" in html
    assert "请补充：国民经济行业代码" in html
    assert "请补充：创业者</li>" in html
    assert "enterprise." not in html, "facts are named by their labels"
    assert "行业代码未知，无法确定划型标准" in html


def test_bad_fields_are_shown_beside_the_fields_and_typed_text_is_kept(
    client: TestClient, csrf: CsrfOf
) -> None:
    typed = {
        **DEMO_FORM,
        "employees": "86.5",
        "operating_revenue": "三千万",
        "registered_on": "2019-02-30",
        "fiscal_year": "1990",
        "uscc": "91419001MA4000000D",
        "annual_taxable_income": "100.005",
    }
    response = client.post("/calculator", data={"csrf_token": csrf("/calculator"), **typed})
    assert response.status_code == 422
    html = response.text
    expected = {
        "employees": "应为整数",
        "operating_revenue": "应为以元为单位的数值",
        "registered_on": "日期不存在",
        "fiscal_year": "不能小于 2000",
        "uscc": "校验码错误",
        "annual_taxable_income": "最多 2 位小数",
    }
    for name, message in expected.items():
        block = field_block(html, name)
        assert 'class="field invalid"' in block, name
        assert 'aria-invalid="true"' in block
        assert message in block, name
    assert 'value="86.5"' in field_block(html, "employees")
    assert 'value="三千万"' in field_block(html, "operating_revenue")
    assert '<option value="true" selected>是</option>' in field_block(html, "in_incubation_base")
    assert 'value="2020-08-01"' in field_block(html, "as_of")
    assert "invalid" not in field_block(html, "industry_code").split(">")[0]
    assert f"有 {len(expected)} 项信息需要修改" in html
    assert 'id="group-eligible"' not in html, "no result for a bad form"


def _rows(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        enterprises = EnterpriseRepository(session).count()
        facts = session.execute(select(func.count()).select_from(FactRecord)).scalar_one()
    return enterprises, facts


def test_the_calculator_stores_nothing(client: TestClient, csrf: CsrfOf, engine: Engine) -> None:
    before = _rows(engine)
    response = client.post("/calculator", data={"csrf_token": csrf("/calculator"), **DEMO_FORM})
    assert response.status_code == 200
    assert _rows(engine) == before


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, csrf: CsrfOf) -> None:
    csrf("/calculator")  # the session has a token; the post does not carry it
    response = client.post("/calculator", data=DEMO_FORM)
    assert response.status_code == 403
    assert "安全校验未通过" in response.text
    assert "一次性开业补贴" not in response.text
    wrong = client.post("/calculator", data={"csrf_token": "forged", **DEMO_FORM})
    assert wrong.status_code == 403


@pytest.mark.parametrize("overrides", [{"calculator_rate_limit": 1}])
def test_the_page_shares_the_calculator_rate_limit(client: TestClient, csrf: CsrfOf) -> None:
    token = csrf("/calculator")
    assert client.post("/calculator", data={"csrf_token": token}).status_code == 200
    refused = client.post("/calculator", data={"csrf_token": token})
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.text


def test_money_typed_in_ten_thousand_yuan_means_the_same(client: TestClient, csrf: CsrfOf) -> None:
    typed = {**DEMO_FORM, "operating_revenue": "3860万元", "total_assets": "4200 万"}
    response = client.post("/calculator", data={"csrf_token": csrf("/calculator"), **typed})
    assert response.status_code == 200
    assert "工业：从业人员 86 人（≥20），营业收入 3860 万元（≥300）→ 小型" in response.text
    assert 'value="3860万元"' in field_block(response.text, "operating_revenue"), "kept as typed"


def test_founders_without_id_numbers_decide_the_startup_subsidy(
    client: TestClient, csrf: CsrfOf
) -> None:
    typed = {
        **DEMO_FORM,
        "founder_count": "2",
        "founder_target_group": "returning_migrant",
        "as_of": "2020-10-01",
    }
    response = client.post("/calculator", data={"csrf_token": csrf("/calculator"), **typed})
    assert response.status_code == 200
    eligible = section(response.text, "group-eligible")
    assert "一次性开业补贴" in eligible
    assert "身份证" not in field_block(response.text, "founder_count").split("</label>")[0]


def test_claim_facts_decide_the_claim_and_its_amount(client: TestClient, csrf: CsrfOf) -> None:
    transfer = "tech-transfer-subsidy"
    typed = {
        **DEMO_FORM,
        "as_of": "2020-12-01",
        f"{transfer}.cooperation_mode": "purchase_invention_patent",
        f"{transfer}.counterparty_kind": "university",
        f"{transfer}.transaction_amount": "100万元",
        f"{transfer}.contract_date": "2020-11-05",
        f"{transfer}.contract_registration_number": "2141-9001-000001",
    }
    response = client.post("/calculator", data={"csrf_token": csrf("/calculator"), **typed})
    assert response.status_code == 200
    html = response.text
    block = re.search(rf'id="policy-{transfer}".*?</article>', html, re.DOTALL)
    assert block is not None
    assert "200,000.00 元" in block.group(0), "20% of 1,000,000.00 元"
    assert transfer in section(html, "group-eligible")
    assert 'value="100万元"' in field_block(html, f"{transfer}.transaction_amount")


def test_a_bad_claim_fact_is_shown_beside_its_field(client: TestClient, csrf: CsrfOf) -> None:
    name = "tech-transfer-subsidy.contract_registration_number"
    response = client.post(
        "/calculator", data={"csrf_token": csrf("/calculator"), **DEMO_FORM, name: "12-34"}
    )
    assert response.status_code == 422
    assert "应为登记编号：10 至 32 位字母或数字" in field_block(response.text, name)
