"""The policy window's pages: the staff queue, a claim's review and decisions, filing a claim."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlmodel import SQLModel

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.demo import DEMO_FOUNDER_ID_NUMBER, DEMO_PAYEE
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts import service
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Claim, Decision, DecisionKind, LedgerEntry
from matcher.policies.catalog import Catalog
from matcher.profiles.parse import parse_profile
from tests.payouts.conftest import CONTRACT, any_policy_claimable, catalog_in_force
from tests.web.conftest import OTHER

DEMO_USCC, OTHER_USCC = "91419001MA4000000C", "91419001MA4000001F"
FOUNDER = DEMO_FOUNDER_ID_NUMBER
STAFF = Principal(Role.STAFF, None, "王芳", "account:1")
PAYEE_FORM = {
    "payee_holder": "济源市银辉新材料有限公司",
    "payee_bank": "中国工商银行济源分行",
    "payee_account": "1712 0000 0912 3456 789",
}
"""The 收款账户 part of a filled-in claim form."""
SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]


def _file(
    engine: Engine,
    policy_id: str,
    facts: dict[str, Any],
    uscc: str = DEMO_USCC,
    filed_on: date | None = None,
) -> int:
    """A claim filed through the service, as the API files it; dated ``filed_on`` as if filed
    that day (the window's clock read then), for a queue of claims old and new, under any
    policy (:func:`any_policy_claimable`): the refusals at filing are tested on their own."""
    with (
        session_scope(engine) as session,
        patch.object(service, "claim_date_for", return_value=filed_on or clock.today()),
        any_policy_claimable(),
    ):
        claim = service.file_claim(session, uscc, policy_id, facts, None, STAFF, payee=DEMO_PAYEE)
        assert claim.id is not None
        return claim.id


def _count(engine: Engine, table: type[Any]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The pages on :func:`catalog_in_force`: claims are filed today."""
    return catalog_in_force(tmp_path_factory.mktemp("catalog") / "policies")


@pytest.fixture
def staff(client: TestClient, sign_in: SignIn) -> TestClient:
    sign_in("wangfang")
    return client


def test_the_queue_is_sorted_by_due_date_and_flags_overdue_claims(
    staff: TestClient, engine: Engine
) -> None:
    recent = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    late = _file(engine, "simplified-deregistration", {}, OTHER_USCC, date(2020, 9, 29))
    future = _file(
        engine, "market-entity-simplified-deregistration", {}, OTHER_USCC, date(2099, 1, 5)
    )
    decided = _file(engine, "tech-transfer-subsidy", CONTRACT, OTHER_USCC, date(2021, 3, 2))
    with session_scope(engine) as session:
        service.decide(session, decided, DecisionKind.REJECT, STAFF, reason="材料不全")

    response = staff.get("/staff/claims")
    assert response.status_code == 200
    html = response.text
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">.*?</tr>", html, re.S)
    assert [re.findall(r"#(\d+)</span>", row) for row in rows] == [
        [str(late)],
        [str(future)],
        [str(recent)],
    ], "open claims only, earliest due first, those without a time limit last"
    assert 'class="overdue"' in rows[0] and "逾期" in rows[0]
    assert "2020-10-09" in rows[0], "National Day holidays counted"
    assert "逾期" not in rows[1] and "逾期" not in rows[2]
    assert "2099-01-08（预计）" in rows[1] and "节假日安排未发布，按工作日估算" in rows[1]
    assert "预计" not in rows[0] + rows[2] and "节假日安排未发布" not in rows[0] + rows[2]
    assert "政策未规定办理时限" in rows[2], "no text sets the subsidy a time limit"
    assert "一次性开业补贴" in rows[2] and "济源市银辉新材料有限公司" in rows[2]
    assert DEMO_USCC in rows[2] and clock.today().isoformat() in rows[2]
    assert "待审核" in rows[2]
    assert f'href="/staff/claims/{recent}"' in rows[2]
    assert (
        'href="/staff/payouts/export.csv"' in html and 'href="/staff/payouts/export.xlsx"' in html
    )

    everything = staff.get("/staff/claims?status=all").text
    assert f'href="/staff/claims/{decided}"' in everything and "已驳回" in everything


def test_the_claim_page_shows_criteria_clauses_limits_and_version(
    staff: TestClient, engine: Engine
) -> None:
    claim_id = _file(engine, "tech-transfer-subsidy", CONTRACT)
    response = staff.get(f"/staff/claims/{claim_id}")
    assert response.status_code == 200
    html = response.text
    for label, clause in (
        ("合作方为高等院校或科研院所", "与高等院校、科研院所建立产学研合作关系"),
        ("承接单位为济源企业", "对济源企业"),
        ("技术合同在方案印发后签订，且不晚于申请日", "2020年优化营商环境专项工作方案"),
    ):
        assert label in html and f"原文：{clause}" in html
    assert html.count('<span class="mark" aria-hidden="true">✓</span>') == 5
    assert "合作方类型（高等院校/科研院所）：高等院校" in html, "enumerated values in words"
    assert "技术成果交易额（元）：1,000,000.00" in html
    with engine.connect() as connection:
        version = connection.execute(
            text("SELECT version FROM policy_versions WHERE policy_id = 'tech-transfer-subsidy'")
        ).scalar_one()
    assert f'<code title="{version}">{version[:12]}</code>' in html
    assert "计算金额</dt><dd>200,000.00 元" in html
    assert "可支付金额</dt><dd><strong>200,000.00 元" in html
    assert "技术合同登记编号" in html and "JY2021000001" in html
    assert re.search(
        r"<dt>上限</dt><dd>300,000.00 元</dd>.*<dt>剩余</dt><dd>300,000.00 元", html, re.S
    )
    assert 'name="amount" type="text" value="200000.00"' in html
    assert "尚无决定" in html
    assert "不能批准的原因" not in html


def test_a_claim_that_cannot_be_approved_says_why(staff: TestClient, engine: Engine) -> None:
    claim_id = _file(engine, "simplified-deregistration", {}, OTHER_USCC, date(2020, 9, 29))
    html = staff.get(f"/staff/claims/{claim_id}").text
    assert "不能批准的原因" in html
    assert "按申请日期的政策版本和企业信息重新计算，不符合条件或尚待确认" in html
    assert 'value="approve"' not in html, "no approval form"
    assert 'value="reject"' in html


def test_approving_over_the_cap_shows_the_error_and_writes_nothing(
    staff: TestClient, engine: Engine, csrf: CsrfOf
) -> None:
    claim_id = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    page = f"/staff/claims/{claim_id}"
    response = staff.post(
        f"{page}/decisions",
        data={
            "csrf_token": csrf(page),
            "kind": "approve",
            "amount": "5000.01",
            "confirmed_amount": "5000.01",
        },
    )
    assert response.status_code == 422
    assert "批准金额 5000.01 元超过可支付金额 5000.00 元" in response.text
    assert "本次提交未作任何记录" in response.text
    assert re.search(r'name="amount"[^>]* value="5000.01"', response.text), "the input is kept"
    assert _count(engine, Decision) == 0 and _count(engine, LedgerEntry) == 0
    with session_scope(engine) as session:
        claim = session.get(Claim, claim_id)
        assert claim is not None and claim.status == "pending"
    bad = staff.post(
        f"{page}/decisions", data={"csrf_token": csrf(page), "kind": "approve", "amount": "五千"}
    )
    assert bad.status_code == 422 and "批准金额（元）应为以元为单位的数值" in bad.text


def test_approve_then_reverse(staff: TestClient, engine: Engine, csrf: CsrfOf) -> None:
    claim_id = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    page = f"/staff/claims/{claim_id}"
    approved = staff.post(
        f"{page}/decisions",
        data={
            "csrf_token": csrf(page),
            "kind": "approve",
            "amount": "5000",
            "confirmed_amount": "5000.00",
        },
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert approved.headers["location"] == f"{page}#history"
    html = staff.get(page).text
    assert "已批准" in html and "5,000.00 元" in html and "王芳" in html
    assert 'id="reversal-title"' in html and 'id="decide-title"' not in html
    with session_scope(engine) as session:
        [decision] = PayoutRepository(session).decisions(claim_id)
        record_hash = decision.hash
        decision_id = decision.id
    assert f'<code title="{record_hash}">{record_hash[:12]}</code>' in html
    empty = staff.post(
        f"{page}/reversal", data={"csrf_token": csrf(page), "decision_id": str(decision_id)}
    )
    assert empty.status_code == 422 and "冲正须说明理由" in empty.text
    reversed_ = staff.post(
        f"{page}/reversal",
        data={
            "csrf_token": csrf(page),
            "decision_id": str(decision_id),
            "reversal_reason": "身份有误",
        },
    )
    assert reversed_.status_code == 200, "followed the redirect"
    assert "冲正 #1" in reversed_.text and "-5,000.00 元" in reversed_.text
    assert "待审核" in reversed_.text
    assert _count(engine, Decision) == 2


def test_reject_and_request_materials_need_a_reason(
    staff: TestClient, engine: Engine, csrf: CsrfOf
) -> None:
    claim_id = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    page = f"/staff/claims/{claim_id}"
    for kind in ("reject", "request_materials"):
        refused = staff.post(
            f"{page}/decisions", data={"csrf_token": csrf(page), "kind": kind, "reason": "  "}
        )
        assert refused.status_code == 422
        assert "驳回或要求补充材料须说明理由" in refused.text
    assert _count(engine, Decision) == 0
    asked = staff.post(
        f"{page}/decisions",
        data={
            "csrf_token": csrf(page),
            "kind": "request_materials",
            "reason": "请补充社保缴费记录",
        },
    )
    assert asked.status_code == 200
    assert "要求补充材料" in asked.text and "请补充社保缴费记录" in asked.text
    assert "待补充材料" in asked.text


def test_a_decision_without_the_csrf_token_writes_nothing(
    staff: TestClient, engine: Engine
) -> None:
    claim_id = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    response = staff.post(
        f"/staff/claims/{claim_id}/decisions",
        data={"csrf_token": "forged", "kind": "approve", "amount": "5000"},
    )
    assert response.status_code == 403
    assert "安全校验未通过" in response.text
    assert _count(engine, Decision) == 0


def test_enterprises_cannot_reach_staff_claim_pages_nor_others_claims(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    mine = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    theirs = _file(engine, "market-entity-simplified-deregistration", {}, OTHER_USCC)
    sign_in("yinhui")
    for path in ("/staff/claims", f"/staff/claims/{mine}", "/staff/payouts/export.csv"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "工作台仅供兑现专窗工作人员使用" in response.text
    refused = client.post(
        f"/staff/claims/{mine}/decisions",
        data={"csrf_token": csrf("/me"), "kind": "approve", "amount": "5000"},
    )
    assert refused.status_code == 403
    assert _count(engine, Decision) == 0
    assert client.get(f"/me/claims/{mine}").status_code == 200
    other = client.get(f"/me/claims/{theirs}")
    assert other.status_code == 404 and "申请不存在" in other.text
    assert "济源市玉川食品有限公司" not in other.text
    listed = client.get("/me/claims").text
    assert f'href="/me/claims/{mine}"' in listed and f"/me/claims/{theirs}" not in listed
    assert (
        client.get(f"/staff/enterprises/{OTHER_USCC}/claims/new?policy=startup-subsidy").status_code
        == 403
    )


def test_an_enterprise_files_a_claim_and_its_id_number_is_only_hashed(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("yinhui")
    home = client.get("/me").text
    assert 'href="/me/claims/new?policy=startup-subsidy"' in home
    assert 'href="/me/claims/new?policy=tech-transfer-subsidy"' in home, (
        "undetermined for claim facts only"
    )
    form_page = "/me/claims/new?policy=startup-subsidy"
    form = client.get(form_page)
    assert form.status_code == 200
    assert 'name="founder_id_number"' in form.text and "申领创业者（身份证号）" in form.text
    assert 'name="claim_date"' not in form.text, "an enterprise's claim is dated the day it files"
    invalid = client.post(
        form_page, data={"csrf_token": csrf(form_page), "founder_id_number": "110105194912310021"}
    )
    assert invalid.status_code == 422 and "身份证号码无效" in invalid.text
    assert "110105194912310021" not in invalid.text
    filed = client.post(
        form_page,
        data={
            "csrf_token": csrf(form_page),
            "founder_id_number": FOUNDER,
            "claim_date": "2099-01-01",
            **PAYEE_FORM,
        },
        follow_redirects=False,
    )
    assert filed.status_code == 303
    claim_id = int(filed.headers["location"].rsplit("/", 1)[1])
    assert filed.headers["location"] == f"/me/claims/{claim_id}"
    shown = client.get(filed.headers["location"]).text
    assert "一次性开业补贴" in shown and "待审核" in shown
    assert clock.today().isoformat() in shown and "2099-01-01" not in shown, "a date is not asked"
    assert FOUNDER not in shown
    with engine.connect() as connection:
        dump = str([connection.execute(t.select()).all() for t in SQLModel.metadata.sorted_tables])
    assert FOUNDER not in dump and FOUNDER.lower() not in dump
    assert hash_id_number(FOUNDER) in dump, "the claim holds the hash"
    assert f'href="/me/claims/{claim_id}"' in client.get("/me/claims").text


def test_staff_file_on_an_enterprises_behalf_with_every_problem_shown(
    staff: TestClient, engine: Engine, csrf: CsrfOf
) -> None:
    assert (
        f'href="/staff/enterprises/{DEMO_USCC}/claims/new?policy=tech-transfer-subsidy"'
        in staff.get(f"/staff/enterprises/{DEMO_USCC}").text
    )
    sparse = staff.get(f"/staff/enterprises/{OTHER_USCC}").text
    assert "claims/new?policy=startup-subsidy" not in sparse, "undetermined for profile facts"
    page = f"/staff/enterprises/{DEMO_USCC}/claims/new?policy=tech-transfer-subsidy"
    form = staff.get(page).text
    assert '<option value="joint_rnd">共同研发</option>' in form
    assert '<option value="research_institute">科研院所</option>' in form
    partial = staff.post(
        page,
        data={
            "csrf_token": csrf(page),
            "transaction_amount": "一百万",
            "contract_registration_number": "JY-2021-000009",
        },
    )
    assert partial.status_code == 422
    assert "应为以元为单位的数值" in partial.text
    missing = staff.post(
        page,
        data={
            "csrf_token": csrf(page),
            "transaction_amount": "1,000,000",
            "contract_registration_number": "JY-2021-000009",
            **PAYEE_FORM,
        },
    )
    assert missing.status_code == 422
    for name in ("cooperation_mode", "counterparty_kind", "contract_date"):
        assert f'<p class="error" id="f-{name}-error">必填</p>' in missing.text
    assert "有 3 项信息需要修改" in missing.text
    assert 'value="JY-2021-000009"' in missing.text, "the input is kept"
    assert _count(engine, Claim) == 0
    data = {**CONTRACT, **PAYEE_FORM, "transaction_amount": "1,000,000", "csrf_token": csrf(page)}
    filed = staff.post(page, data=data, follow_redirects=False)
    assert filed.status_code == 303 and filed.headers["location"].startswith("/staff/claims/")
    review = staff.get(filed.headers["location"]).text
    assert "王芳" in review and "200,000.00 元" in review


def test_staff_date_a_claim_back_within_the_bound_and_never_ahead(
    staff: TestClient, engine: Engine, csrf: CsrfOf
) -> None:
    page = f"/staff/enterprises/{DEMO_USCC}/claims/new?policy=startup-subsidy"
    today = clock.today()
    assert "最早 30 天前，不能晚于今天" in staff.get(page).text
    for day, problem in (
        (today - timedelta(days=31), f"申请日期最早可补填至 {today - timedelta(days=30)}"),
        (today + timedelta(days=1), "晚于今天"),
    ):
        data = {
            "csrf_token": csrf(page),
            "founder_id_number": FOUNDER,
            "claim_date": str(day),
            **PAYEE_FORM,
        }
        response = staff.post(page, data=data)
        assert response.status_code == 422
        assert re.search(f'<p class="error" id="f-claim_date-error">[^<]*{problem}', response.text)
        assert FOUNDER not in response.text
    assert _count(engine, Claim) == 0
    received = today - timedelta(days=30)
    data = {
        "csrf_token": csrf(page),
        "founder_id_number": FOUNDER,
        "claim_date": str(received),
        **PAYEE_FORM,
    }
    assert staff.post(page, data=data, follow_redirects=False).status_code == 303
    with session_scope(engine) as session:
        [claim] = PayoutRepository(session).queue()
        assert claim.claim_date == received


@pytest.mark.parametrize(
    "path",
    [
        "/staff/claims/999",
        "/staff/claims/99999999999",
        f"/staff/enterprises/{DEMO_USCC}/claims/new?policy=no-such-policy",
        "/staff/enterprises/91419001MA40000099/claims/new?policy=startup-subsidy",
    ],
)
def test_unknown_claims_policies_and_enterprises_are_404_pages(
    staff: TestClient, path: str
) -> None:
    response = staff.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_staff_export_approved_payouts(staff: TestClient, engine: Engine) -> None:
    claim_id = _file(engine, "startup-subsidy", {"founder_id_number": FOUNDER})
    with session_scope(engine) as session:
        service.decide(session, claim_id, DecisionKind.APPROVE, STAFF, amount=Decimal(5000))
    csv = staff.get("/staff/payouts/export.csv")
    assert csv.status_code == 200
    assert csv.headers["content-disposition"] == 'attachment; filename="payouts.csv"'
    assert f",{DEMO_USCC},一次性开业补贴," in csv.content.decode("utf-8-sig")
    xlsx = staff.get("/staff/payouts/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_staff_export_refuses_a_ledger_that_does_not_verify(
    staff: TestClient, ledger_checkpoints: Path
) -> None:
    ledger_checkpoints.write_text("forged\n", "utf-8")
    refused = staff.get("/staff/payouts/export.csv")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert "无法导出" in refused.text
    assert "账本核验未通过，不能导出：检查点文件第 1 行格式或签名无效。" in refused.text


def test_an_enterprise_sees_whether_its_claim_fits_not_what_others_used(
    client: TestClient, engine: Engine, sign_in: SignIn
) -> None:
    with session_scope(engine) as session:
        in_jiyuan = parse_profile({**OTHER.model_dump(), "registration_area": "419001"})
        EnterpriseRepository(session).save(in_jiyuan, "registration", "test")
    theirs = _file(engine, "tech-transfer-subsidy", CONTRACT, OTHER_USCC)
    with session_scope(engine) as session:
        service.decide(session, theirs, DecisionKind.APPROVE, STAFF, amount=Decimal(200000))
    mine = _file(engine, "tech-transfer-subsidy", CONTRACT)
    sign_in("yinhui")
    html = client.get(f"/me/claims/{mine}").text
    assert "<strong>技术合同登记编号</strong>：本申请超出限额" in html
    for hidden in ("已用", "剩余", "100,000.00", "可支付金额"):
        assert hidden not in html, hidden
    sign_in("wangfang")
    staff_view = client.get(f"/staff/claims/{mine}").text
    assert re.search(
        r"<dt>已用</dt><dd>200,000.00 元.*<dt>剩余</dt><dd>100,000.00 元", staff_view, re.S
    )
