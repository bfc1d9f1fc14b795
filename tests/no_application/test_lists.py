from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from matcher.db import session_scope
from matcher.enterprises.tables import FactRecord
from matcher.errors import Conflict, DomainError
from matcher.no_application import lists
from matcher.no_application.lists import propose, publish
from matcher.no_application.repository import PayableRepository
from matcher.no_application.tables import ListStatus, PayableEntry, PayableList
from matcher.notices.tables import Channel, OutboxNotice
from matcher.payouts import service
from matcher.payouts.payee import Payee
from tests.no_application.conftest import CODES, STAFF, TODAY, Save
from tests.no_application.policy_files import POLICY_ID
from tests.notices.factories import add_contact

LATER = "91419001MA4000002J"
"""An enterprise of 济源 first on record today."""


def _proposed(engine: Engine, as_of: date = TODAY) -> int:
    with session_scope(engine) as session:
        return propose(session, POLICY_ID, as_of, STAFF).id or 0


def _entries(engine: Engine, list_id: int) -> dict[str, PayableEntry]:
    with session_scope(engine) as session:
        entries = PayableRepository(session).entries(list_id)
        session.expunge_all()
    return {entry.uscc: entry for entry in entries}


def test_each_eligible_enterprise_is_listed_with_its_amount_and_evidence(registry: Engine) -> None:
    entries = _entries(registry, _proposed(registry))
    assert set(entries) == set(CODES)
    entry = entries[CODES[0]]
    assert entry.amount == Decimal("3000.00")
    assert entry.excluded_reason is None
    criteria = {c["id"]: c for c in entry.evidence["criteria"]}
    assert set(criteria) == {"registered_in_jiyuan", "operating", "operating_one_year"}
    registered = criteria["registered_in_jiyuan"]
    assert registered["clause"] == "在济源登记注册的企业"
    # A derived fact's evidence is the recorded fact it comes from, with its provenance.
    [fact] = registered["facts"]
    assert (fact["field"], fact["value"], fact["source"]) == (
        "registration_area",
        "419001",
        "registration",
    )
    assert fact["source_label"] == "登记注册信息"
    assert entry.evidence["amount"]["value"] == "3000.00"


def test_a_self_declared_fact_excludes_the_enterprise_with_the_reason(
    registry: Engine, save: Save
) -> None:
    save(CODES[1], "self_declared", operating_status="suspended")
    save(CODES[1], "self_declared", operating_status="operating")
    entries = _entries(registry, _proposed(registry))
    assert entries[CODES[0]].excluded_reason is None
    reason = entries[CODES[1]].excluded_reason
    assert reason == (
        f"所依据的信息并非全部来自权威部门：经营状态（企业自行申报，{TODAY} 记录）；"
        "不予免申即享，请按普通申请办理"
    )


def test_a_fact_staff_edited_excludes_the_enterprise(registry: Engine, save: Save) -> None:
    save(CODES[0], "staff_confirmed", operating_status="suspended")
    save(CODES[0], "registration", operating_status="operating")
    assert _entries(registry, _proposed(registry))[CODES[0]].excluded_reason is None
    save(CODES[0], "staff_confirmed", registered_on=str(TODAY - timedelta(days=900)))
    reason = _entries(registry, _proposed(registry))[CODES[0]].excluded_reason
    assert reason is not None and "登记注册日期（工作人员核实" in reason


def test_an_ineligible_enterprise_is_not_listed(registry: Engine, save: Save) -> None:
    save(CODES[1], registered_on=str(TODAY - timedelta(days=100)))
    assert set(_entries(registry, _proposed(registry))) == {CODES[0]}


def test_only_a_no_application_policy_has_a_list(registry: Engine) -> None:
    with session_scope(registry) as session, pytest.raises(DomainError) as refused:
        propose(session, "startup-subsidy", TODAY, STAFF)
    assert refused.value.message == "“一次性开业补贴”不是免申即享政策"


def test_publishing_starts_the_public_notice_of_the_window_setting(registry: Engine) -> None:
    list_id = _proposed(registry)
    with session_scope(registry) as session:
        payable = publish(session, list_id, STAFF, TODAY)
        assert payable.status is ListStatus.PUBLIC_NOTICE
        assert (payable.notice_from, payable.notice_until) == (TODAY, TODAY + timedelta(days=6))
        assert payable.notice_basis == "政策原文未规定公示期，按本窗口设置公示 7 天"
    with session_scope(registry) as session, pytest.raises(Conflict) as refused:
        publish(session, list_id, STAFF, TODAY)
    assert refused.value.message == "名单公示中，不能再次公示"
    with session_scope(registry) as session:
        [payable] = session.exec(select(PayableList)).all()
        assert payable.notice_from == TODAY


def _listed_notices(engine: Engine) -> list[OutboxNotice]:
    with session_scope(engine) as session:
        notices = session.exec(
            select(OutboxNotice)
            .where(OutboxNotice.kind == "no_application_listed")
            .order_by(OutboxNotice.enterprise_id, OutboxNotice.channel)
        ).all()
        session.expunge_all()
    return list(notices)


def test_publishing_tells_each_enterprise_the_list_pays_once(registry: Engine, save: Save) -> None:
    save(CODES[1], "self_declared", operating_status="suspended")
    save(CODES[1], "self_declared", operating_status="operating")
    with session_scope(registry) as session:
        repository = PayableRepository(session)
        [(first_id, *_)] = [e for e in repository.enterprises() if e[1] == CODES[0]]
        add_contact(session, first_id, Channel.EMAIL, "caiwu@yinhui.example.com")
        add_contact(session, first_id, Channel.SMS, "13900000001")
    list_id = _proposed(registry)
    assert _listed_notices(registry) == []  # a draft tells nobody
    with session_scope(registry) as session:
        publish(session, list_id, STAFF, TODAY)
    notices = _listed_notices(registry)
    # The enterprise the list pays, on every channel; the one left to an ordinary claim, none.
    assert [(n.enterprise_id, n.channel) for n in notices] == [
        (first_id, "email"),
        (first_id, "in_app"),
        (first_id, "sms"),
    ]
    in_app = notices[1]
    assert in_app.status == "sent" and in_app.amount == Decimal("3000.00")
    assert in_app.claim_id is None and in_app.event_key == f"l{list_id}"
    until = TODAY + timedelta(days=6)
    assert in_app.body_text == (
        "拟兑现金额：3,000.00 元\n"
        f"公示期：{TODAY} 至 {until}\n"
        "无需提交申请。请在“免申即享”页面确认收款账户，公示期满经审核批准后兑现。"
    )
    sms = notices[2]
    assert sms.status == "pending" and sms.body_text is not None
    assert sms.body_text.startswith("【惠企政策】贵企业已列入《")
    assert sms.body_text.endswith("/me/no-application 回复TD退订")
    assert sms.sms_template["code"] == "SMS_HQZC_0201"
    # Publishing again is refused and tells nobody twice.
    with session_scope(registry) as session, pytest.raises(Conflict):
        publish(session, list_id, STAFF, TODAY)
    assert len(_listed_notices(registry)) == 3


def test_a_list_for_an_earlier_day_reads_only_the_facts_recorded_by_then(
    registry: Engine, save: Save
) -> None:
    with session_scope(registry) as session:  # the registry's records made ten days ago
        for record in session.exec(select(FactRecord)):
            record.recorded_at -= timedelta(days=10)
            session.add(record)
    save(CODES[1], "self_declared", operating_status="suspended")
    save(LATER)
    earlier = _entries(registry, _proposed(registry, TODAY - timedelta(days=5)))
    assert set(earlier) == set(CODES)
    assert earlier[CODES[1]].excluded_reason is None
    operating = {c["id"]: c for c in earlier[CODES[1]].evidence["criteria"]}["operating"]
    [fact] = operating["facts"]
    assert (fact["value"], fact["source"]) == ("operating", "registration")
    assert set(_entries(registry, _proposed(registry))) == {CODES[0], LATER}


def test_an_enterprise_whose_claim_stands_is_listed_to_claim_the_ordinary_way(
    registry: Engine,
) -> None:
    payee = Payee("测试企业", "中国工商银行济源分行", "6222000011112222333")
    with session_scope(registry) as session:
        claim = service.file_claim(session, CODES[1], POLICY_ID, {}, None, STAFF, payee=payee)
        claim_id = claim.id
    entries = _entries(registry, _proposed(registry))
    assert entries[CODES[0]].excluded_reason is None
    assert entries[CODES[1]].excluded_reason == (
        f"已有兑现申请（第 {claim_id} 号，待审核），按该申请办理，不再免申即享"
    )


def test_entries_written_while_the_history_streams_in_are_all_kept(
    registry: Engine, save: Save, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "ENTRIES_A_WRITE", 1)  # a write after every entry
    save(LATER)
    entries = _entries(registry, _proposed(registry))
    assert set(entries) == {*CODES, LATER}
    assert {entry.amount for entry in entries.values()} == {Decimal("3000.00")}
