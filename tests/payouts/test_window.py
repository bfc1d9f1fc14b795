import io
import json
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select, text

from matcher import clock
from matcher.db import session_scope
from matcher.payouts.ledger import LedgerReport, verify_ledger
from matcher.payouts.tables import Decision
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.payouts.conftest import CONTRACT, FOUNDER, SECOND_USCC, File, decide


def _decisions(api: Api) -> int:
    with api.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Decision)).scalar_one())


def test_file_verify_and_approve_with_a_full_trace(window: Api, file_claim: File) -> None:
    filed = file_claim("startup-subsidy", {"founder_id_number": FOUNDER})
    assert filed.status_code == 201, filed.text
    claim = filed.json()
    assert claim["status"] == "pending"
    assert len(claim["facts"]["founder_id_hash"]) == 64
    assert FOUNDER not in json.dumps(claim)
    verification = window.client.get(
        f"/api/v1/claims/{claim['id']}", headers=window.headers("staff")
    ).json()
    assert verification["approvable"] is True
    assert verification["computed_amount"] == "5000.00"
    assert verification["payable_amount"] == "5000.00"
    limit, _per_enterprise = verification["limits"]
    assert limit["label"] == "申领创业者（身份证号哈希）" and limit["used_count"] == 0
    criteria = verification["entitlement"]["criteria"]
    assert criteria[-1]["clause"] == "自工商登记注册之日起正常经营1年以上"
    decided = decide(window, claim["id"], kind="approve", amount="5000")
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["sequence"] == 1 and decision["amount"] == "5000.00"
    assert decision["policy_version"] == verification["policy_version"]
    with session_scope(window.engine) as session:
        stored = session.get(Decision, decision["id"])
        assert stored is not None
        assert stored.snapshot["profile"]["uscc"] == ENTERPRISE_USCC
        assert stored.trace["criteria"][0]["id"] == "registered_in_jiyuan"


def test_once_per_founder_across_enterprises(window: Api, file_claim: File) -> None:
    first = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    assert decide(window, first["id"], kind="approve", amount="5000").status_code == 201
    second = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}, uscc=SECOND_USCC).json()
    verification = window.client.get(
        f"/api/v1/claims/{second['id']}", headers=window.headers("staff")
    ).json()
    assert verification["payable_amount"] == "0.00"
    assert verification["limits"][0]["used_count"] == 1
    refused = decide(window, second["id"], kind="approve", amount="5000")
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "limit_reached",
        "message": "已达到限额：申领创业者（身份证号哈希）",
        "details": [],
    }
    assert _decisions(window) == 1


def test_project_cap_across_claims(window: Api, file_claim: File) -> None:
    first = file_claim("tech-transfer-subsidy", CONTRACT).json()
    assert decide(window, first["id"], kind="approve", amount="200000").status_code == 201
    second = file_claim("tech-transfer-subsidy", CONTRACT, uscc=SECOND_USCC).json()
    over = decide(window, second["id"], kind="approve", amount="150000")
    assert over.status_code == 422
    assert over.json()["error"]["code"] == "amount_over_cap"
    assert over.json()["error"]["message"] == "批准金额 150000 元超过可支付金额 100000.00 元"
    assert decide(window, second["id"], kind="approve", amount="100000").status_code == 201


def test_a_decided_claim_cannot_be_decided_again(window: Api, file_claim: File) -> None:
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    assert decide(window, claim["id"], kind="reject", reason="材料不全").status_code == 201
    again = decide(window, claim["id"], kind="approve", amount="5000")
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "该申请已驳回，不能再次决定"
    assert _decisions(window) == 1


def test_request_materials_keeps_the_claim_open(window: Api, file_claim: File) -> None:
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    asked = decide(window, claim["id"], kind="request_materials", reason="请补充社保缴费记录")
    assert asked.status_code == 201
    assert decide(window, claim["id"], kind="approve", amount="5000").status_code == 201


def test_bad_claims_and_decisions_write_nothing(window: Api, file_claim: File) -> None:
    old = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}, claim_date="2019-01-01")
    assert old.status_code == 422
    assert old.json()["error"]["code"] == "claim_date_too_old"
    missing = file_claim("tech-transfer-subsidy", {"transaction_amount": "100"})
    assert missing.status_code == 422
    assert [d["field"] for d in missing.json()["error"]["details"]] == [
        "facts.cooperation_mode",
        "facts.counterparty_kind",
        "facts.contract_date",
        "facts.contract_registration_number",
    ]
    unknown = file_claim("no-such-policy", {})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "policy_not_in_force"
    claims = window.client.get("/api/v1/claims", headers=window.headers("staff")).json()
    assert claims["items"] == [] and claims["total"] == 0
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    over = decide(window, claim["id"], kind="approve", amount="5000.01")
    assert over.status_code == 422 and over.json()["error"]["code"] == "amount_over_cap"
    no_reason = decide(window, claim["id"], kind="reject")
    assert no_reason.status_code == 422 and no_reason.json()["error"]["code"] == "reason_required"
    assert _decisions(window) == 0


def test_reversal_is_a_new_record_that_frees_the_limit(window: Api, file_claim: File) -> None:
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    approval = decide(window, claim["id"], kind="approve", amount="5000").json()
    reversed_ = window.client.post(
        f"/api/v1/decisions/{approval['id']}/reversal",
        json={"reason": "创业者身份核实有误"},
        headers=window.headers("staff"),
    )
    assert reversed_.status_code == 201, reversed_.text
    assert reversed_.json()["amount"] == "-5000.00"
    assert reversed_.json()["reverses"] == approval["id"]
    twice = window.client.post(
        f"/api/v1/decisions/{approval['id']}/reversal",
        json={"reason": "再来一次"},
        headers=window.headers("staff"),
    )
    assert twice.status_code == 409
    other = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}, uscc=SECOND_USCC).json()
    assert decide(window, other["id"], kind="approve", amount="5000").status_code == 201
    history = window.client.get(
        f"/api/v1/claims/{claim['id']}/decisions", headers=window.headers("staff")
    ).json()
    assert [d["kind"] for d in history["items"]] == ["approve", "reversal"]


def test_the_chain_names_the_first_tampered_record(window: Api, file_claim: File) -> None:
    for project, uscc in enumerate((ENTERPRISE_USCC, SECOND_USCC, ENTERPRISE_USCC)):
        facts = {**CONTRACT, "contract_registration_number": f"JY202100000{project}"}
        claim = file_claim("tech-transfer-subsidy", facts, uscc=uscc)
        assert decide(window, claim.json()["id"], kind="approve", amount="1000").status_code == 201

    def report() -> LedgerReport:
        with session_scope(window.engine) as session:
            return verify_ledger(session)

    assert report().intact and report().records == 3
    with window.engine.begin() as connection:
        connection.execute(text("UPDATE decisions SET amount = 999 WHERE sequence = 2"))
    tampered = report()
    assert tampered.records == 1
    assert [str(p) for p in tampered.problems] == ["第 2 条：记录内容与其哈希不符（已被改动）"]
    with window.engine.begin() as connection:
        connection.execute(text("UPDATE decisions SET amount = 1000 WHERE sequence = 2"))
        third = "SELECT id FROM decisions WHERE sequence = 3"
        connection.execute(text(f"DELETE FROM ledger_entries WHERE decision_id = ({third})"))
        connection.execute(text("DELETE FROM decisions WHERE sequence = 3"))
    assert str(report().problems[0]) == "第 3 条：链尾记录缺失（账本头与最后一条记录不符）"


def test_queue_is_sorted_by_due_date_and_flags_overdue_and_claims_without_a_limit_last(
    window: Api, file_claim: File, any_policy: None
) -> None:
    received = clock.today() - timedelta(days=20)  # on paper: due 3 working days later
    late = file_claim(
        "market-entity-simplified-deregistration", {}, claim_date=received.isoformat()
    ).json()
    assert late["claim_date"] == received.isoformat()
    recent = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    queue = window.client.get("/api/v1/claims?open_only=true", headers=window.headers("staff"))
    assert [c["id"] for c in queue.json()["items"]] == [late["id"], recent["id"]]
    assert [c["overdue"] for c in queue.json()["items"]] == [True, False]
    assert late["due_date"] is not None
    assert recent["due_date"] is None, "no text sets the subsidy a time limit: no due date"


def test_enterprise_sees_only_its_own_claims(window: Api, file_claim: File) -> None:
    mine = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    theirs = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}, uscc=OTHER_USCC).json()
    listed = window.client.get("/api/v1/claims", headers=window.headers("enterprise")).json()
    assert [c["id"] for c in listed["items"]] == [mine["id"]] and listed["total"] == 1
    hidden = window.client.get(
        f"/api/v1/claims/{theirs['id']}", headers=window.headers("enterprise")
    )
    assert hidden.status_code == 404
    refused = decide(window, mine["id"], kind="approve", amount="5000")
    assert refused.status_code == 201  # staff may; an enterprise may not:
    own = window.client.post(
        f"/api/v1/claims/{mine['id']}/decisions",
        json={"kind": "approve", "amount": "1"},
        headers=window.headers("enterprise"),
    )
    assert own.status_code == 403


def test_export_for_finance(window: Api, file_claim: File) -> None:
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    assert decide(window, claim["id"], kind="approve", amount="5000").status_code == 201
    csv = window.client.get("/api/v1/payouts/export?format=csv", headers=window.headers("staff"))
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("企业名称,统一社会信用代码,政策,申请编号,金额（元）,户名")
    assert f",{ENTERPRISE_USCC},一次性开业补贴,{claim['id']},5000.00," in lines[1]
    assert lines[2].startswith("合计,,,1 笔,5000.00,")
    xlsx = window.client.get("/api/v1/payouts/export?format=xlsx", headers=window.headers("staff"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["C2"].value == "一次性开业补贴" and float(sheet["E2"].value) == 5000.0


def test_invalid_id_numbers_and_out_of_range_ids_are_refused(window: Api, file_claim: File) -> None:
    bad = file_claim("startup-subsidy", {"founder_id_number": "110105194912310021"})
    assert bad.status_code == 422
    assert [(d["field"], d["message"]) for d in bad.json()["error"]["details"]] == [
        ("facts.founder_id_number", "身份证号码无效")
    ]
    huge = window.client.get("/api/v1/claims/99999999999", headers=window.headers("staff"))
    assert huge.status_code == 422
    assert huge.json()["error"]["details"][0]["field"] == "claim_id"


def test_an_approved_claim_does_not_count_against_itself(window: Api, file_claim: File) -> None:
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    assert decide(window, claim["id"], kind="approve", amount="5000").status_code == 201
    shown = window.client.get(f"/api/v1/claims/{claim['id']}", headers=window.headers("staff"))
    assert shown.json()["payable_amount"] == "5000.00"
    assert shown.json()["limits"][0]["used_count"] == 0
